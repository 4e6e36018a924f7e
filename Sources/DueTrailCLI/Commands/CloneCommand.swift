import ArgumentParser
import DueTrailLedger
import Foundation
import GitStore

struct CloneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clone",
        abstract: "Copy a shared ledger from a git remote, ready to work in and sync.",
        discussion: """
            URL is anything git clones: a path, file://, git://, ssh://host/path or user@host:path \
            (ssh agent, then ~/.ssh/id_ed25519, id_ecdsa, id_rsa), or https:// (the password \
            comes from `git credential`, as git itself would store it). The clone gets the \
            same git settings as `duetrail init` and the merge driver, so plain `git pull` \
            merges case files by meaning too.
            """)

    @Argument(help: "Where the ledger lives.")
    var url: String

    @Argument(help: "The folder to create (default: the last part of URL, without .git).")
    var directory: String?

    @Flag(help: "Print what was cloned as JSON.")
    var json = false

    func run() throws {
        let target = directory ?? Self.defaultDirectory(for: url)
        let ledger = try guarded {
            try Ledger.clone(url: url, to: target, access: RemoteAccessSetup.make(), driverExecutable: DueTrailExecutable.path)
        }
        let head = try guarded { try ledger.repository.headCommit() }
        let branch = (try? ledger.branch())?.replacingOccurrences(of: "refs/heads/", with: "") ?? "main"
        if json {
            struct Out: Encodable { let url, directory, branch: String; let commit: String? }
            Terminal.print(JSON.render(Out(url: GitCredential.redacted(url), directory: target, branch: branch, commit: head?.hex)))
        } else {
            Terminal.print("Cloned \(GitCredential.redacted(url)) into \(target) (\(branch) at \(head?.short ?? "no commits")).")
            Terminal.print("Next: cd \(target) && duetrail queue; share your work with `duetrail sync`.")
        }
    }

    static func defaultDirectory(for url: String) -> String {
        var name = url
        while name.hasSuffix("/") { name.removeLast() }
        if let cut = name.lastIndex(where: { $0 == "/" || $0 == ":" }) { name = String(name[name.index(after: cut)...]) }
        if name.hasSuffix(".git") { name.removeLast(4) }
        return name.isEmpty ? "ledger" : name
    }
}
