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
        subcommands: [RunCommand.self, ValidateCommand.self, SchemaCommand.self, CatalogCommand.self, Bench.self]
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
            if exitCode(for: error) == .validationFailure {  // EX_USAGE (64): our code for usage is 2
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}

enum DCTwinVersion {
    static let current = "0.1.0"
}
