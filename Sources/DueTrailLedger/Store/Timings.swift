import Foundation

/// Phase timings on standard error when `DUETRAIL_TIMINGS=1`, for the benchmark script and
/// for anyone asking why a command is slow. Silent otherwise.
enum Timings {
    static let enabled = ProcessInfo.processInfo.environment["DUETRAIL_TIMINGS"] == "1"
    nonisolated(unsafe) static var last = Date()

    static func mark(_ phase: String) {
        guard enabled else { return }
        let now = Date()
        FileHandle.standardError.write(Data(String(format: "timing: %-28@ %7.3f s\n", phase, now.timeIntervalSince(last)).utf8))
        last = now
    }
}
