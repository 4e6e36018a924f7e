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

    /// An argument holding a control character (other than a tab or a line break) is refused
    /// before anything runs: what a person types becomes notes, reasons and names in the
    /// ledger's files, which never hold them (`RecordedText`). nil when every argument is clean.
    package static func controlCharacterRefusal(_ arguments: [String]) -> String? {
        for (n, argument) in arguments.enumerated() {
            guard let control = RecordedText.firstControl(argument) else { continue }
            return "error: argument \(n + 1) (`\(TerminalText.oneLine(argument))`) holds the control character `\(control)`; "
                + "DueTrail records no control characters: type the text without it"
        }
        return nil
    }
}
