/// Identifies a scheduled event so that it can be cancelled before it is delivered.
///
/// A handle stays safe to use after its event was delivered or cancelled: the slot it names
/// carries a generation that changes on every reuse, so a stale handle cancels nothing.
@frozen
public struct EventHandle: Hashable, Sendable {
    @usableFromInline let slot: UInt32
    @usableFromInline let generation: UInt32
    @inlinable init(slot: UInt32, generation: UInt32) {
        self.slot = slot
        self.generation = generation
    }
}

/// The pending events of one simulation, delivered in (time, sequence) order.
///
/// A 4-ary min-heap of 16-byte keys (time in the high word; scheduling sequence and slab slot
/// in the low word), laid out so that the four children of a node share one 64-byte cache
/// line. Message bodies live in a side slab indexed by slot, so sifting moves keys only.
/// Equal times are delivered first in, first out because the sequence grows with every
/// `push`. Cancellation marks the slot; the dead key is skipped when it reaches the top, and
/// the heap is compacted when dead keys outnumber live ones.
/// Complexity: `push` and `removeMinimum` O(log n); `cancel` O(1).
@usableFromInline
struct EventQueue<Message>: ~Copyable {
    /// Who a slot's message is for, and how often the slot has been reused.
    @usableFromInline
    struct SlotHeader {
        /// The target component, `cancelledTarget` once cancelled, `freeTarget` when empty.
        @usableFromInline var target: UInt32
        @usableFromInline var generation: UInt32
        @inlinable init(target: UInt32, generation: UInt32) {
            self.target = target
            self.generation = generation
        }
    }

    @usableFromInline static var slotBits: UInt64 { 26 }
    @usableFromInline static var slotMask: UInt64 { (1 << slotBits) - 1 }
    @usableFromInline static var maximumSequence: UInt64 { (1 << (64 - slotBits)) - 1 }
    @usableFromInline static var cancelledTarget: UInt32 { .max }
    @usableFromInline static var freeTarget: UInt32 { .max - 1 }
    /// Component identifiers must stay below the two marker values.
    @usableFromInline static var maximumTarget: UInt32 { .max - 2 }
    /// Keys start at index 3 so that the children of node p, at 4p-8 ..< 4p-4, fill one line.
    @usableFromInline static var rootIndex: Int { 3 }

    @usableFromInline var keys: UnsafeMutablePointer<UInt128>
    @usableFromInline var keyCapacity: Int
    /// Keys in the heap, live and cancelled.
    @usableFromInline var count = 0
    @usableFromInline var cancelledCount = 0
    @usableFromInline var headers: UnsafeMutablePointer<SlotHeader>
    /// Initialized exactly where the header's target is not `freeTarget`.
    @usableFromInline var messages: UnsafeMutablePointer<Message>
    @usableFromInline var slotsCreated = 0
    @usableFromInline var slotCapacity: Int
    @usableFromInline var freeSlots: UnsafeMutablePointer<UInt32>
    @usableFromInline var freeSlotCount = 0
    @usableFromInline var nextSequence: UInt64 = 0
    /// Compaction waits for this many dead keys (and for them to be half the heap).
    @usableFromInline var compactionThreshold = 1024
    /// Receives the software-prefetch loads in `removeMinimum` so they are not optimised away.
    @usableFromInline var prefetchSink: UInt64 = 0

    @usableFromInline init(capacity: Int = 64) {
        keyCapacity = max(capacity, 8) + Self.rootIndex
        keys = Self.allocateKeys(keyCapacity)
        slotCapacity = max(capacity, 8)
        headers = .allocate(capacity: slotCapacity)
        messages = .allocate(capacity: slotCapacity)
        freeSlots = .allocate(capacity: slotCapacity)
    }

    @inlinable deinit {
        for slot in 0 ..< slotsCreated where headers[slot].target != Self.freeTarget {
            (messages + slot).deinitialize(count: 1)
        }
        keys.deallocate()
        headers.deallocate()
        messages.deallocate()
        freeSlots.deallocate()
    }

    @usableFromInline static func allocateKeys(_ capacity: Int) -> UnsafeMutablePointer<UInt128> {
        UnsafeMutableRawPointer.allocate(byteCount: capacity * 16, alignment: 64)
            .bindMemory(to: UInt128.self, capacity: capacity)
    }

    /// Live (not cancelled) events waiting.
    @inlinable var liveCount: Int { count - cancelledCount }

    /// The smallest key, or nil when the heap holds no keys.
    @inlinable var minimumKey: UInt128? { count > 0 ? keys[Self.rootIndex] : nil }

    @inlinable static func time(of key: UInt128) -> SimTime {
        SimTime(nanosecondsSinceStart: Int64(truncatingIfNeeded: key >> 64))
    }

    @inlinable static func sequence(of key: UInt128) -> UInt64 {
        UInt64(truncatingIfNeeded: key) >> slotBits
    }

    /// Schedules `message` for `target` at `time`; later pushes at the same time come later.
    @inlinable @discardableResult
    mutating func push(_ message: Message, to target: UInt32, at time: SimTime) -> EventHandle {
        precondition(time.nanosecondsSinceStart >= 0, "events cannot be scheduled before time zero")
        precondition(nextSequence <= Self.maximumSequence, "event sequence space exhausted (2^38 events per run)")
        let slot: UInt32
        if freeSlotCount > 0 {
            freeSlotCount &-= 1
            slot = freeSlots[freeSlotCount]
        } else {
            if slotsCreated == slotCapacity { growSlots() }
            slot = UInt32(truncatingIfNeeded: slotsCreated)
            headers[slotsCreated] = SlotHeader(target: Self.freeTarget, generation: 0)
            slotsCreated &+= 1
        }
        headers[Int(slot)].target = target
        (messages + Int(slot)).initialize(to: message)
        let low = nextSequence << Self.slotBits | UInt64(slot)
        nextSequence &+= 1
        let key = UInt128(UInt64(bitPattern: time.nanosecondsSinceStart)) << 64 | UInt128(low)
        if count + Self.rootIndex == keyCapacity { growKeys() }
        siftUp(key, from: count &+ Self.rootIndex)
        count &+= 1
        return EventHandle(slot: slot, generation: headers[Int(slot)].generation)
    }

    @inlinable mutating func siftUp(_ key: UInt128, from start: Int) {
        var index = start
        while index > Self.rootIndex {
            let parent = index >> 2 &+ 2
            let parentKey = keys[parent]
            if key >= parentKey { break }
            keys[index] = parentKey
            index = parent
        }
        keys[index] = key
    }

    /// Removes the smallest key. Bottom-up: the hole at the root follows the smaller child to
    /// a leaf (three comparisons a level), then the former last key rises from there; the last
    /// key of a time-ordered heap is usually late, so it rarely rises far.
    @inlinable mutating func removeMinimum() {
        count &-= 1
        let end = count &+ Self.rootIndex
        let last = keys[end]
        var hole = Self.rootIndex
        var touched: UInt64 = 0
        defer { prefetchSink = touched }
        while true {
            let child = hole &<< 2 &- 8
            if child &+ 3 < end {
                // Start loading the next level (the children of all four children: 16 keys,
                // four contiguous lines) before this level's comparisons pick one of them.
                let grandchild = child &<< 2 &- 8
                if grandchild &+ 12 < end {
                    touched ^= UInt64(truncatingIfNeeded: keys[grandchild] ^ keys[grandchild &+ 4]
                        ^ keys[grandchild &+ 8] ^ keys[grandchild &+ 12])
                }
                let k0 = keys[child], k1 = keys[child &+ 1], k2 = keys[child &+ 2], k3 = keys[child &+ 3]
                let lower01 = k1 < k0 ? child &+ 1 : child
                let lower23 = k3 < k2 ? child &+ 3 : child &+ 2
                let key01 = min(k0, k1), key23 = min(k2, k3)
                let lowest = key23 < key01 ? lower23 : lower01
                keys[hole] = key23 < key01 ? key23 : key01
                hole = lowest
            } else {
                if child < end {
                    var lowest = child
                    for candidate in child &+ 1 ..< end where keys[candidate] < keys[lowest] { lowest = candidate }
                    keys[hole] = keys[lowest]
                    hole = lowest
                }
                break
            }
        }
        if hole != end { siftUp(last, from: hole) }
        // Start loading the header of the next event to be delivered, while this one is handled.
        if count > 0 {
            touched ^= UInt64(headers[Int(UInt64(truncatingIfNeeded: keys[Self.rootIndex]) & Self.slotMask)].target)
        }
    }

    /// Frees the slot of a key just removed and returns its event, or nil if it was cancelled.
    @inlinable mutating func take(slotOf key: UInt128) -> (target: UInt32, message: Message)? {
        let slot = Int(UInt64(truncatingIfNeeded: key) & Self.slotMask)
        let target = headers[slot].target
        let message = (messages + slot).move()
        headers[slot] = SlotHeader(target: Self.freeTarget, generation: headers[slot].generation &+ 1)
        freeSlots[freeSlotCount] = UInt32(truncatingIfNeeded: slot)
        freeSlotCount &+= 1
        if target == Self.cancelledTarget {
            cancelledCount &-= 1
            return nil
        }
        return (target, message)
    }

    /// Cancels a pending event; returns false if it was already delivered or cancelled.
    @inlinable @discardableResult
    mutating func cancel(_ handle: EventHandle) -> Bool {
        let slot = Int(handle.slot)
        guard slot < slotsCreated, headers[slot].generation == handle.generation,
              headers[slot].target <= Self.maximumTarget else { return false }
        headers[slot].target = Self.cancelledTarget
        cancelledCount &+= 1
        if cancelledCount > compactionThreshold && cancelledCount > count / 2 { removeCancelledKeys() }
        return true
    }

    /// Drops dead keys and rebuilds the heap in O(n); live keys keep their order.
    @usableFromInline mutating func removeCancelledKeys() {
        var kept = Self.rootIndex
        for index in Self.rootIndex ..< Self.rootIndex + count {
            let key = keys[index]
            if headers[Int(UInt64(truncatingIfNeeded: key) & Self.slotMask)].target == Self.cancelledTarget {
                _ = take(slotOf: key)
            } else {
                keys[kept] = key
                kept += 1
            }
        }
        count = kept - Self.rootIndex
        // Re-insert every key: O(n) amortised for random keys, and simple to get right.
        for index in Self.rootIndex ..< kept { siftUp(keys[index], from: index) }
    }

    @usableFromInline mutating func growKeys() {
        let newKeys = Self.allocateKeys(keyCapacity * 2)
        newKeys.update(from: keys, count: keyCapacity)
        keys.deallocate()
        keys = newKeys
        keyCapacity *= 2
    }

    @usableFromInline mutating func growSlots() {
        let newCapacity = slotCapacity * 2
        precondition(newCapacity <= 1 << Self.slotBits, "more than 2^26 pending events")
        let newHeaders = UnsafeMutablePointer<SlotHeader>.allocate(capacity: newCapacity)
        let newMessages = UnsafeMutablePointer<Message>.allocate(capacity: newCapacity)
        let newFree = UnsafeMutablePointer<UInt32>.allocate(capacity: newCapacity)
        newHeaders.update(from: headers, count: slotsCreated)
        for slot in 0 ..< slotsCreated where headers[slot].target != Self.freeTarget {
            (newMessages + slot).moveInitialize(from: messages + slot, count: 1)
        }
        newFree.update(from: freeSlots, count: freeSlotCount)
        headers.deallocate()
        messages.deallocate()
        freeSlots.deallocate()
        headers = newHeaders
        messages = newMessages
        freeSlots = newFree
        slotCapacity = newCapacity
    }
}
