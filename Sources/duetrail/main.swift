import ArgumentParser
import DueTrailCLI

/// Runs `Root` through ArgumentParser's async entry point (where `Root.main()` written out
/// would pick the synchronous one, which cannot run `portal serve`).
func start<Root: AsyncParsableCommand>(_: Root.Type) async {
    await Root.main()
}

await start(DueTrailCommand.self)
