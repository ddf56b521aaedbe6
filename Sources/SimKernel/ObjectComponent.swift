/// A component kept as a class instance: the way to put many kinds of component in one
/// simulation without a closed enum.
///
/// The actor object holds its private state; the simulation holds `ObjectComponent`s that
/// point at them and forwards each message. Whoever built the world may keep typed
/// references to the objects to read their state between runs (never during one).
public protocol ActorObject<Message>: AnyObject {
    associatedtype Message
    func handle(_ message: Message, context: inout SimContext<Message>)
}

/// The `Component` that forwards to an `ActorObject`.
@frozen
public struct ObjectComponent<Message>: Component {
    public let object: any ActorObject<Message>
    @inlinable public init(_ object: any ActorObject<Message>) { self.object = object }
    @inlinable public mutating func handle(_ message: Message, context: inout SimContext<Message>) {
        object.handle(message, context: &context)
    }
}
