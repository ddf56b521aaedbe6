/// Runs independent simulations side by side, one child task each, across the cores.
///
/// Each replication builds and runs its own `Simulation` inside `body`; nothing is shared,
/// so every replication gives exactly the result it gives when run alone. Results come back
/// in replication order whatever order the tasks finish in. A replication that can fail
/// returns a `Swift.Result`.
public enum Replications {
    /// Calls `body(index)` for 0 ..< `count` concurrently and returns the results in index order.
    public static func run<Result: Sendable>(
        count: Int, _ body: @escaping @Sendable (Int) -> Result
    ) async -> [Result] {
        precondition(count >= 0, "replication count must not be negative")
        return await withTaskGroup(of: (Int, Result).self) { group in
            for index in 0 ..< count {
                group.addTask { (index, body(index)) }
            }
            var results = [Result?](repeating: nil, count: count)
            for await (index, result) in group { results[index] = result }
            return results.map { $0! }
        }
    }
}
