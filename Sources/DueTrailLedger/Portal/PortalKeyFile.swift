import AtomicFiles
import DueTrailCore
import Foundation

/// Where the portal's signing key lives: `DUETRAIL_PORTAL_KEY` (base64), or the file
/// `$XDG_CONFIG_HOME/duetrail/portal.key` (default `~/.config/duetrail/portal.key`), readable by
/// its owner only. Never in the ledger, never printed.
package enum PortalKeyFile {
    package static func path(environment: [String: String]) -> String {
        let config = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? ((environment["HOME"] ?? NSHomeDirectory()) + "/.config")
        return config + "/duetrail/portal.key"
    }

    /// The key, from the environment or the key file.
    package static func load(environment: [String: String]) throws(LedgerError) -> PortalKey {
        if let text = environment["DUETRAIL_PORTAL_KEY"], !text.isEmpty {
            guard let key = PortalKey(text: text) else { throw LedgerError.badRequest("DUETRAIL_PORTAL_KEY is not a portal key (base64 of 32 bytes; make one with `duetrail portal key --new`)") }
            return key
        }
        let file = path(environment: environment)
        guard let data = FileManager.default.contents(atPath: file) else {
            throw LedgerError.notFound("no portal key: create one with `duetrail portal key --new` (it goes to \(file)), or set DUETRAIL_PORTAL_KEY")
        }
        guard let key = PortalKey(text: String(decoding: data, as: UTF8.self)) else {
            throw LedgerError.io(path: file, message: "not a portal key (base64 of 32 bytes); make a new one with `duetrail portal key --new --force`")
        }
        return key
    }

    /// Writes a new key (owner-only permissions, through a temporary file and a rename) and
    /// returns the file's path. Refuses to replace an existing key unless `replacing`.
    package static func create(environment: [String: String], replacing: Bool) throws(LedgerError) -> String {
        let file = path(environment: environment)
        let fm = FileManager.default
        if fm.fileExists(atPath: file) && !replacing {
            throw LedgerError.conflict("a portal key already exists at \(file); `--new --force` replaces it, and every link made with it stops working")
        }
        let folder = (file as NSString).deletingLastPathComponent
        do {
            try fm.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw LedgerError.io(path: folder, message: error.localizedDescription)
        }
        let text = PortalKey.generate().text + "\n"
        do throws(AtomicFileError) {
            try AtomicFile.write(text.utf8, to: file, temporary: folder + "/.portal.key.\(getpid()).tmp", permissions: [.ownerReadWrite], sync: true)
        } catch {
            throw LedgerError.io(path: error.path, message: error.errno.description)
        }
        return file
    }
}
