import Foundation

/// The email templates DueTrail ships (`templates/` at the top of the source tree), copied
/// into every new ledger where the team then edits them.
package enum ShippedTemplates {
    /// File name → contents, sorted by name.
    package static func all() throws(LedgerError) -> [(name: String, text: String)] {
        guard let folder = folder() else {
            throw LedgerError.io(path: "templates", message: "the shipped templates were not found next to the duetrail binary (set DUETRAIL_TEMPLATES to the templates folder)")
        }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".mustache") }.sorted()
        } catch {
            throw LedgerError.io(path: folder.path, message: "cannot list templates: \(error.localizedDescription)")
        }
        var out: [(String, String)] = []
        for name in names {
            guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path) else {
                throw LedgerError.io(path: folder.appendingPathComponent(name).path, message: "cannot read template")
            }
            out.append((name, String(decoding: data, as: UTF8.self)))
        }
        return out
    }

    /// Looks beside the executable for SwiftPM's resource bundle (without `Bundle.module`,
    /// whose accessor crashes when the bundle is missing), then `DUETRAIL_TEMPLATES`.
    static func folder() -> URL? {
        let fm = FileManager.default
        if let env = ProcessInfo.processInfo.environment["DUETRAIL_TEMPLATES"], fm.fileExists(atPath: env) {
            return URL(fileURLWithPath: env)
        }
        let exe = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath().deletingLastPathComponent()
        var candidates = [exe]
        if let main = Bundle.main.executableURL?.resolvingSymlinksInPath().deletingLastPathComponent() { candidates.append(main) }
        candidates.append(Bundle.main.bundleURL)
        for dir in candidates {
            for bundle in ["DueTrail_DueTrailLedger.resources", "DueTrail_DueTrailLedger.bundle"] {
                let url = dir.appendingPathComponent(bundle).appendingPathComponent("templates")
                if fm.fileExists(atPath: url.path) { return url }
            }
        }
        return nil
    }
}
