extension EventQueue {
    /// Describes the first broken invariant, or returns nil: every key is no smaller than its
    /// parent; every key names a distinct occupied slot; occupied plus free slots account for
    /// every slot created; the cancelled count matches the marked slots. O(n); for tests.
    func brokenInvariant() -> String? {
        var occupied = Set<Int>()
        var cancelled = 0
        for index in Self.rootIndex ..< Self.rootIndex + count {
            if index > Self.rootIndex && keys[index] < keys[index >> 2 + 2] { return "key at \(index) is below its parent" }
            let slot = Int(UInt64(truncatingIfNeeded: keys[index]) & Self.slotMask)
            guard occupied.insert(slot).inserted else { return "slot \(slot) is named by two keys" }
            if headers[slot].target == Self.freeTarget { return "key at \(index) names free slot \(slot)" }
            if headers[slot].target == Self.cancelledTarget { cancelled += 1 }
        }
        let free = Set((0 ..< freeSlotCount).map { Int(freeSlots[$0]) })
        if free.count != freeSlotCount || !free.isDisjoint(with: occupied) { return "free list repeats or holds occupied slots" }
        if free.count + occupied.count != slotsCreated { return "\(slotsCreated - free.count - occupied.count) slots leaked" }
        if cancelled != cancelledCount { return "cancelled count \(cancelledCount), marked \(cancelled)" }
        return nil
    }
}
