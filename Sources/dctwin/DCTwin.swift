import ArgumentParser
import Foundation

/// The `dctwin` command line: a thin layer that parses arguments, calls the libraries and
/// prints. Usage errors exit with status 2 (ArgumentParser's default is 64).
@main
struct DCTwin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dctwin",
        abstract: "A deterministic discrete-event digital twin of AI data centres.",
        version: DCTwinVersion.current,
        subcommands: [Bench.self]
    )

    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            let usageError = code != .success && code != .failure && !(error is ExitCode)
            exit(withError: usageError ? ExitCode(2) : error)
        }
    }
}

enum DCTwinVersion {
    static let current = "0.1.0"
}
