/// A fluid model of data transfers sharing links, with max-min fair rates.
///
/// Each flow carries a number of bytes over a path of links; at any moment every flow moves at
/// a constant rate, and the rates are max-min fair: no flow can go faster without slowing one
/// that is already no faster than it (SimGrid's flow model, without its latency and TCP-window
/// corrections). Rates change only when a flow is added, removed or finishes, so between
/// changes the network is piecewise linear: the caller asks `secondsToNextCompletion`, calls
/// `advance(bySeconds:)` to that point and `removeFinished()` (the next-event / advance
/// interface of a continuous model).
///
/// Rates come from progressive filling. Every link starts with its whole capacity; the link
/// whose remaining capacity divided by its unfixed flows is smallest is the bottleneck (ties
/// go to the lowest link index); the flows crossing it are fixed at that share, which is
/// subtracted from every link they cross; repeat until every flow is fixed. Each round fixes
/// at least one flow and every link in use is a bottleneck at most once, so a recomputation
/// takes O(iterations × flows × path length) with iterations ≤ min(flows, links in use).
/// Only links that carry flows are visited: a network of 10,000 links with 3 flows
/// recomputes as cheaply as one of 10 links.
///
/// Determinism: flows are kept in an array in the order they were added (removal keeps the
/// order), links in use in the order they were first used, and no `Dictionary` or `Set` is
/// iterated; the same sequence of calls gives bit-identical rates on every run.
public struct FlowNetwork: Sendable {
    /// One transfer in flight.
    struct Flow: Sendable {
        var id: UInt64
        var sizeBytes: Double
        var remainingBytes: Double
        /// Link ids crossed, distinct.
        var links: [Int]
        var rateBytesPerSecond: Double
    }

    /// Capacity of each link, in bytes/s; a link's id is its index.
    public let linkCapacitiesBytesPerSecond: [Double]

    /// Active flows in the order they were added.
    var flows: [Flow] = []
    /// Number of active flows crossing each link (indexed by link id).
    var flowCountOnLink: [Int]
    /// Links with at least one flow, in the order they were first used.
    var linksInUse: [Int] = []
    // Scratch for progressive filling, indexed by link id; only entries of `linksInUse` are
    // meaningful. Kept between recomputations so that a large network does not allocate.
    var scratchRemainingBytesPerSecond: [Double]
    var scratchUnfixedFlows: [Int]

    /// A network of links with these capacities (bytes/s, each > 0), and no flows.
    public init(linkCapacitiesBytesPerSecond: [Double]) {
        for capacity in linkCapacitiesBytesPerSecond {
            precondition(capacity > 0 && capacity.isFinite, "link capacities must be finite and > 0 bytes/s")
        }
        self.linkCapacitiesBytesPerSecond = linkCapacitiesBytesPerSecond
        flowCountOnLink = Array(repeating: 0, count: linkCapacitiesBytesPerSecond.count)
        scratchRemainingBytesPerSecond = Array(repeating: 0, count: linkCapacitiesBytesPerSecond.count)
        scratchUnfixedFlows = Array(repeating: 0, count: linkCapacitiesBytesPerSecond.count)
    }

    /// Number of flows not yet removed.
    public var activeFlows: Int { flows.count }

    /// Adds a flow of `bytes` (> 0) crossing `links` (non-empty, distinct, valid ids) and
    /// recomputes every rate. `id` must not belong to an active flow.
    ///
    /// Complexity: O(flows × path length) to check the id and links, plus one recomputation.
    public mutating func add(id: UInt64, bytes: Double, links: [Int]) {
        precondition(bytes > 0 && bytes.isFinite, "a flow carries a finite, positive number of bytes")
        precondition(!links.isEmpty, "a flow crosses at least one link")
        precondition(index(of: id) == nil, "flow \(id) is already active")
        for (position, link) in links.enumerated() {
            precondition(link >= 0 && link < linkCapacitiesBytesPerSecond.count, "link \(link) does not exist")
            // A path crosses a link once; counting it twice would halve the flow's share.
            precondition(!links[..<position].contains(link), "flow \(id) crosses link \(link) twice")
        }
        for link in links {
            if flowCountOnLink[link] == 0 { linksInUse.append(link) }
            flowCountOnLink[link] += 1
        }
        flows.append(Flow(id: id, sizeBytes: bytes, remainingBytes: bytes, links: links, rateBytesPerSecond: 0))
        recomputeRates()
    }

    /// Cancels the flow `id`; returns false when no such flow is active.
    ///
    /// Complexity: O(flows + links in use × path length), plus one recomputation.
    @discardableResult
    public mutating func remove(id: UInt64) -> Bool {
        guard let position = index(of: id) else { return false }
        detach(flows.remove(at: position))
        recomputeRates()
        return true
    }

    /// Moves every flow on by `dt` seconds (≥ 0) at its current rate; remaining bytes never
    /// go below zero. Rates do not change: call `removeFinished` afterwards.
    ///
    /// Complexity: O(flows).
    public mutating func advance(bySeconds dt: Double) {
        precondition(dt >= 0 && dt.isFinite, "time moves forward by a finite number of seconds")
        for position in flows.indices {
            flows[position].remainingBytes = max(0, flows[position].remainingBytes - flows[position].rateBytesPerSecond * dt)
        }
    }

    /// Seconds until the first active flow finishes at the current rates; nil when no flow is
    /// active.
    ///
    /// Complexity: O(flows).
    public var secondsToNextCompletion: Double? {
        var soonest: Double?
        for flow in flows {
            let seconds: Double
            if flow.remainingBytes <= 0 {
                seconds = 0
            } else if flow.rateBytesPerSecond > 0 {
                seconds = flow.remainingBytes / flow.rateBytesPerSecond
            } else {
                continue  // Cannot happen with positive capacities; a stalled flow never finishes.
            }
            if soonest.map({ seconds < $0 }) ?? true { soonest = seconds }
        }
        return soonest
    }

    /// Removes the flows with at most `toleranceBytes` (or 1e-9 of their size, whichever is
    /// larger) left, returns their ids in the order the flows were added, and recomputes the
    /// rates if any were removed. The tolerance absorbs the rounding of `advance` to the
    /// predicted completion time.
    ///
    /// Complexity: O(flows × path length), plus one recomputation when something finished.
    public mutating func removeFinished(toleranceBytes: Double = 1) -> [UInt64] {
        var finished: [UInt64] = []
        var kept: [Flow] = []
        kept.reserveCapacity(flows.count)
        for flow in flows {
            if flow.remainingBytes <= max(toleranceBytes, 1e-9 * flow.sizeBytes) {
                finished.append(flow.id)
                detach(flow)
            } else {
                kept.append(flow)
            }
        }
        if !finished.isEmpty {
            flows = kept
            recomputeRates()
        }
        return finished
    }

    /// Current rate of the flow `id` in bytes/s, or nil when it is not active.
    ///
    /// Complexity: O(flows).
    public func rateBytesPerSecond(of id: UInt64) -> Double? {
        index(of: id).map { flows[$0].rateBytesPerSecond }
    }

    /// Bytes the flow `id` has still to carry, or nil when it is not active.
    ///
    /// Complexity: O(flows).
    public func remainingBytes(of id: UInt64) -> Double? {
        index(of: id).map { flows[$0].remainingBytes }
    }

    // MARK: - Internals

    func index(of id: UInt64) -> Int? {
        flows.firstIndex { $0.id == id }
    }

    /// Takes a flow that has left `flows` off the per-link counts.
    mutating func detach(_ flow: Flow) {
        for link in flow.links {
            flowCountOnLink[link] -= 1
            if flowCountOnLink[link] == 0, let position = linksInUse.firstIndex(of: link) {
                linksInUse.remove(at: position)
            }
        }
    }

    /// Max-min fair rates by progressive filling (see the type's documentation).
    mutating func recomputeRates() {
        for link in linksInUse {
            scratchRemainingBytesPerSecond[link] = linkCapacitiesBytesPerSecond[link]
            scratchUnfixedFlows[link] = flowCountOnLink[link]
        }
        var fixed = Array(repeating: false, count: flows.count)
        var unfixedFlows = flows.count
        // Each round fixes at least one flow, so this loop runs at most `flows.count` times.
        while unfixedFlows > 0 {
            var bottleneck = -1
            var shareBytesPerSecond = Double.infinity
            for link in linksInUse where scratchUnfixedFlows[link] > 0 {
                let share = max(0, scratchRemainingBytesPerSecond[link]) / Double(scratchUnfixedFlows[link])
                // Links in use are not in index order, so ties are broken explicitly.
                if share < shareBytesPerSecond || (share == shareBytesPerSecond && link < bottleneck) {
                    shareBytesPerSecond = share
                    bottleneck = link
                }
            }
            precondition(bottleneck >= 0, "every unfixed flow crosses a link in use")
            for position in flows.indices where !fixed[position] && flows[position].links.contains(bottleneck) {
                fixed[position] = true
                unfixedFlows -= 1
                flows[position].rateBytesPerSecond = shareBytesPerSecond
                for link in flows[position].links {
                    scratchRemainingBytesPerSecond[link] -= shareBytesPerSecond
                    scratchUnfixedFlows[link] -= 1
                }
            }
        }
    }
}
