import ArgumentParser
import DueTrailCLI

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs `Root` as ArgumentParser's async entry point does (`Root.main()` written out would
/// pick the synchronous one, which cannot run `portal serve`), letting writes still running
/// in the background (the summary cache) finish before the process exits, on success or error.
func start<Root: AsyncParsableCommand>(_: Root.Type) async {
    if let refusal = DueTrailCommand.controlCharacterRefusal(Array(CommandLine.arguments.dropFirst())) {
        _ = (refusal + "\n").withCString { write(STDERR_FILENO, $0, strlen($0)) }
        exit(ExitCode.validationFailure.rawValue)
    }
    if let unknown = DueTrailCommand.printableUnknownCommandMessage(Array(CommandLine.arguments.dropFirst())) {
        _ = (unknown + "\n").withCString { write(STDERR_FILENO, $0, strlen($0)) }
        exit(ExitCode.validationFailure.rawValue)
    }
    do {
        var command = try Root.parseAsRoot()
        if var asyncCommand = command as? AsyncParsableCommand {
            try await asyncCommand.run()
        } else {
            try command.run()
        }
        DueTrailCommand.finishBackgroundWork()
    } catch {
        DueTrailCommand.finishBackgroundWork()
        DueTrailCommand.exit(printing: error, for: Root.self)
    }
}

// A reader that closes the pipe early (`duetrail queue | head`) must not kill the process
// before a background write (the summary cache) is done: writes to it just fail.
signal(SIGPIPE, SIG_IGN)
await start(DueTrailCommand.self)
