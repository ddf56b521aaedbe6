public import Facility
public import Serving

/// The world's message: the facility's and the serving model's vocabularies side by side, so
/// both run in one simulation while neither module knows the other.
public enum TwinMessage: FacilityEnvelope, ServingEnvelope {
    case facility(FacilityMessage)
    case serving(ServingMessage)

    @inlinable public init(facility: FacilityMessage) { self = .facility(facility) }
    @inlinable public init(serving: ServingMessage) { self = .serving(serving) }

    @inlinable public var facility: FacilityMessage? {
        if case .facility(let message) = self { return message }
        return nil
    }

    @inlinable public var serving: ServingMessage? {
        if case .serving(let message) = self { return message }
        return nil
    }
}
