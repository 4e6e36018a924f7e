import ArgumentParser
import DueTrailCore
import DueTrailLedger
import Foundation

/// Options every ledger command takes: where the ledger is and what day it is.
struct LedgerOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The ledger folder (default: $DUETRAIL_LEDGER or the repository containing the current folder).", valueName: "path"))
    var ledger: String?

    @Option(name: .long, help: ArgumentHelp("Act as if today were this date, YYYY-MM-DD (default: $DUETRAIL_TODAY or the real date).", valueName: "date"))
    var today: String?

    func validate() throws {
        if let today, CalendarDate(iso: today) == nil {
            throw ValidationError("--today takes a date like 2026-11-29, not `\(today)`")
        }
    }

    var environment: [String: String] { ProcessInfo.processInfo.environment }

    var ledgerPath: String {
        ledger ?? environment["DUETRAIL_LEDGER"] ?? FileManager.default.currentDirectoryPath
    }

    func todayOverride() throws -> CalendarDate? {
        if let today { return CalendarDate(iso: today) }
        if let env = environment["DUETRAIL_TODAY"], !env.isEmpty {
            guard let date = CalendarDate(iso: env) else { throw CLIError("DUETRAIL_TODAY must be a date like 2026-11-29, not `\(env)`") }
            return date
        }
        return nil
    }

    func open(finishingInterrupted: Bool = true) throws -> Ledger {
        let ledger = try guarded {
            try Ledger.open(at: ledgerPath, today: try todayOverride(), environment: environment, finishingInterrupted: finishingInterrupted)
        }
        if let recovered = ledger.recovered, !recovered.isEmpty { Terminal.note(RepairText.recovered(recovered)) }
        if let problem = ledger.recoveryProblem {
            Terminal.note("warning: an earlier command was stopped before writing its files, and they could not be written now: \(problem); once that is fixed, `duetrail repair` writes them")
        }
        return ledger
    }
}

/// An error already phrased for the person at the terminal.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Prints a ledger or input error the way the tool prints every error, then exits 1.
func guarded<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as LedgerError {
        Terminal.error(error.description)
        throw ExitCode(error.exitCode)
    } catch let error as CLIError {
        Terminal.error(error.description)
        throw ExitCode.failure
    } catch let error as DiagnosticList {
        Terminal.error(error.description)
        throw ExitCode.failure
    }
}

/// Where output goes; errors to standard error so scripts can read standard output cleanly.
/// Every line passes through `TerminalText.escaped`: a customer name, a note or a subject
/// holding ESC, BEL or a right-to-left override shows those as visible escapes, never as the
/// terminal would obey them (JSON output stays JSON: see `TerminalText`).
enum Terminal {
    static func print(_ text: String, terminator: String = "\n") {
        Swift.print(TerminalText.escaped(text), terminator: TerminalText.escaped(terminator))
    }

    /// `text` to standard output with the colour codes a command added itself (`review
    /// --color`): the only output not escaped here, so the command must have escaped every
    /// value in it with `TerminalText` first.
    static func printPainted(_ text: String) {
        Swift.print(text, terminator: "")
    }

    /// `text` to standard output, escaped. A reader that went away (`duetrail queue | head`)
    /// is not an error: SIGPIPE is ignored (see `main.swift`), the write just stops.
    static func write(_ text: String) {
        fflush(nil)  // what `print` buffered goes first
        var bytes = TerminalText.escaped(text)
        bytes.withUTF8 { buffer in
            guard let base = buffer.baseAddress else { return }
            var offset = 0
            while offset < buffer.count {
                let n = Glibc.write(STDOUT_FILENO, base + offset, buffer.count - offset)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { return }
                offset += n
            }
        }
    }

    static func error(_ text: String) {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if let first = lines.first, !first.hasPrefix("error") { lines[0] = "error: " + first }
        FileHandle.standardError.write(Data((TerminalText.escaped(lines.joined(separator: "\n")) + "\n").utf8))
    }

    static func note(_ text: String) {
        FileHandle.standardError.write(Data((TerminalText.escaped(text) + "\n").utf8))
    }

    /// Ends the process successfully right away, once output is flushed; for read-only commands
    /// over large ledgers, where freeing every object would cost more than the work itself.
    static func finish() -> Never {
        BackgroundWrites.wait()
        fflush(nil)
        exit(0)
    }

    /// A line of progress on standard error, only when a person is watching (a terminal).
    static func progress(_ text: String) {
        guard isatty(STDERR_FILENO) == 1 else { return }
        note(text)
    }

    static var isInteractive: Bool { isatty(STDOUT_FILENO) == 1 }
}

extension LedgerError {
    /// 75 (EX_TEMPFAIL) for a race lost to another writer: run again; 70 (EX_SOFTWARE) for a
    /// bug in the tool; 1 for everything else, which the message says how to fix (git's and
    /// the file system's refusals included: a remote's password, a full disk).
    var exitCode: Int32 {
        switch self {
        case .lostRace: 75
        case .internalFailure: 70
        case .notALedger, .badRequest, .notFound, .conflict, .invalid, .dirtyPaths, .cloneBehind, .git, .io: 1
        }
    }
}

/// Shadows `Swift.print` in this module, so a plain `print(…)` added to a command later goes
/// through `Terminal` (escaped) like every other line; nothing printed can slip past it.
func print(_ items: Any..., separator: String = " ", terminator: String = "\n") {
    Terminal.print(items.map { "\($0)" }.joined(separator: separator), terminator: terminator)
}
