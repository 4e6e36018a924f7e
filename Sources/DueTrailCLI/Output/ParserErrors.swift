import ArgumentParser
import DueTrailCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension DueTrailCommand {
    /// Prints what the argument parser has to say about `error` (a usage error, `--help`)
    /// as `ParsableCommand.exit(withError:)` would, but through `Terminal`, so an argument it
    /// quotes back (`Unknown option '--\e[31m'`) is escaped like every other line; then exits.
    package static func exit<Root: ParsableCommand>(printing error: Error, for _: Root.Type) -> Never {
        let code = Root.exitCode(for: error)
        let message = Root.fullMessage(for: error)
        if !message.isEmpty {
            if code == .success { Terminal.print(message) } else { Terminal.note(message) }
        }
        fflush(nil)
        Glibc.exit(code.rawValue)
    }

    /// `unknownCommandMessage` as it may be printed (the mistyped word escaped).
    package static func printableUnknownCommandMessage(_ arguments: [String]) -> String? {
        unknownCommandMessage(arguments).map(TerminalText.escaped)
    }
}
