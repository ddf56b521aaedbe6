@testable import SimKernel
import Testing

/// The queue against a plainly correct reference: a list searched for the smallest
/// (time, sequence) on every pop.
@Suite("Event queue")
struct EventQueueTests {
    struct ReferenceEvent {
        var time: Int64
        var sequence: Int
        var payload: Int
        var handle: EventHandle
        var cancelled = false
    }

    /// Applies `operations` random pushes (with many equal times), pops and cancellations
    /// (live, already cancelled and stale handles) and checks every pop against the reference.
    /// Returns a description of the first mismatch, or nil.
    static func sweep<Payload>(seed: UInt64, operations: Int, makePayload: (Int) -> Payload,
                               payloadID: (Payload) -> Int) -> String? {
        var random = RandomStream(seed: seed, streamKey: 99)
        var queue = EventQueue<Payload>(capacity: 1)
        queue.compactionThreshold = seed % 2 == 0 ? 4 : 1024  // half the seeds compact often
        var reference: [ReferenceEvent] = []
        var issued: [EventHandle] = []
        var now: Int64 = 0
        var sequence = 0
        for step in 0 ..< operations {
            let choice = random.index(below: 10)
            if choice < 4 || (choice < 5 && reference.count < 200) {
                let time = now + Int64(random.index(below: 4))  // few distinct times: many ties
                let handle = queue.push(makePayload(sequence), to: 7, at: SimTime(nanosecondsSinceStart: time))
                reference.append(ReferenceEvent(time: time, sequence: sequence, payload: sequence, handle: handle))
                issued.append(handle)
                sequence += 1
            } else if choice < 8 {
                let live = reference.indices.filter { !reference[$0].cancelled }
                let expected = live.min { (reference[$0].time, reference[$0].sequence) < (reference[$1].time, reference[$1].sequence) }
                var delivered: (time: Int64, payload: Int)?
                while let key = queue.minimumKey {
                    queue.removeMinimum()
                    if let event = queue.take(slotOf: key) {
                        delivered = (EventQueue<Payload>.time(of: key).nanosecondsSinceStart, payloadID(event.message))
                        break
                    }
                }
                switch (expected, delivered) {
                case (nil, nil): break
                case let (index?, got?):
                    let want = reference[index]
                    if want.time != got.time || want.payload != got.payload {
                        return "step \(step): expected payload \(want.payload) at \(want.time), got \(got.payload) at \(got.time)"
                    }
                    now = want.time
                    reference.removeAll { $0.time < want.time || ($0.time == want.time && $0.sequence <= want.sequence) }
                default:
                    return "step \(step): expected \(String(describing: expected)), delivered \(String(describing: delivered))"
                }
            } else if !issued.isEmpty {
                // Half the time any handle ever issued (often stale), else a live event's.
                let live = reference.filter { !$0.cancelled }
                let handle = random.bernoulli(probability: 0.5) || live.isEmpty
                    ? issued[random.index(below: issued.count)] : live[random.index(below: live.count)].handle
                let target = reference.firstIndex { $0.handle == handle && !$0.cancelled }
                let cancelled = queue.cancel(handle)
                if cancelled != (target != nil) { return "step \(step): cancel returned \(cancelled)" }
                if let target { reference[target].cancelled = true }
            }
            let live = reference.filter { !$0.cancelled }.count
            if queue.liveCount != live { return "step \(step): \(queue.liveCount) live events, reference has \(live)" }
            if step % 50 == 0, let broken = queue.brokenInvariant() { return "step \(step): \(broken)" }
        }
        return nil
    }

    @Test("Pops follow (time, sequence) order with FIFO ties and cancellation, over 200 seeds")
    func seedSweep() {
        for seed in UInt64(0) ..< 200 {
            let failure = Self.sweep(seed: seed, operations: 3_000, makePayload: { $0 }, payloadID: { $0 })
            #expect(failure == nil, "seed \(seed): \(failure ?? "")")
        }
    }

    @Test("Reference-counted payloads survive growth, cancellation and compaction, over 100 seeds")
    func referencePayloadSweep() {
        final class Box { let id: Int; init(_ id: Int) { self.id = id } }
        for seed in UInt64(1_000) ..< 1_100 {
            let failure = Self.sweep(seed: seed, operations: 2_000, makePayload: { Box($0) }, payloadID: { $0.id })
            #expect(failure == nil, "seed \(seed): \(failure ?? "")")
        }
    }

    @Test("Mass cancellation compacts the heap and keeps the survivors in order")
    func compaction() {
        var queue = EventQueue<Int>()
        var handles: [EventHandle] = []
        for index in 0 ..< 10_000 {
            handles.append(queue.push(index, to: 0, at: SimTime(nanosecondsSinceStart: Int64(10_000 - index / 2))))
        }
        var allCancelled = true
        for (index, handle) in handles.enumerated() where index % 5 != 0 { allCancelled = queue.cancel(handle) && allCancelled }
        let (keysLeft, live, broken) = (queue.count, queue.liveCount, queue.brokenInvariant())
        #expect(broken == nil)
        #expect(allCancelled)
        #expect(keysLeft < 10_000, "dead keys were compacted away")
        #expect(live == 2_000)
        var previous: (Int64, Int) = (-1, -1)
        while let key = queue.minimumKey {
            queue.removeMinimum()
            guard let event = queue.take(slotOf: key) else { continue }
            let current = (EventQueue<Int>.time(of: key).nanosecondsSinceStart, event.message)
            #expect(event.message % 5 == 0)
            #expect(previous.0 < current.0 || (previous.0 == current.0 && previous.1 < current.1))
            previous = current
        }
    }

    @Test("A handle goes stale once its event is delivered, even when the slot is reused")
    func staleHandle() {
        var queue = EventQueue<Int>()
        let first = queue.push(1, to: 0, at: .zero)
        let key = queue.minimumKey!
        queue.removeMinimum()
        _ = queue.take(slotOf: key)
        let second = queue.push(2, to: 0, at: .zero)
        #expect(second.slot == first.slot, "the freed slot is reused")
        let staleCancelled = queue.cancel(first)
        let live = queue.liveCount
        let cancelled = queue.cancel(second)
        let cancelledTwice = queue.cancel(second)
        #expect(!staleCancelled)
        #expect(live == 1)
        #expect(cancelled)
        #expect(!cancelledTwice, "cancelling twice reports false")
    }
}
