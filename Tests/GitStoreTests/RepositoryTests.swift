import Foundation
import GitStore
import Testing
import TestSupport

@Suite struct RepositoryTests {
    let sandbox: Sandbox
    init() throws { sandbox = try Sandbox() }

    func signature(_ name: String = "Ana Ruiz") -> Signature {
        Signature(name: name, email: "ana@example.test", time: Date(timeIntervalSince1970: 1_796_000_000), offsetMinutes: 60)
    }

    @Test func commitsWrittenWithoutAWorkingTreeAreOrdinaryGit() throws {
        let repo = try Repository.create(at: sandbox.path("r"))
        let blob = try repo.writeBlob("hello\n")
        let tree = try repo.makeTree(base: nil, updates: [.upsert(path: "cases/acme/inv-1.md", blob: blob), .upsert(path: "a.txt", blob: blob)])
        let branch = try repo.headBranch()
        #expect(branch == "refs/heads/main")
        let first = try repo.commit(tree: tree, onto: branch, parent: nil, author: signature(), committer: signature(), message: "first\n\nDueTrail-Action: test\n")
        let tree2 = try repo.makeTree(base: tree, updates: [.remove(path: "a.txt")])
        let second = try repo.commit(tree: tree2, onto: branch, parent: first, author: signature("Bo"), committer: signature("Bo"), message: "second\n")

        #expect(try sandbox.git(["fsck", "--strict"], in: sandbox.path("r")).status == 0)
        let log = try sandbox.git(["log", "--format=%H %an %s", "main"], in: sandbox.path("r")).stdout
        #expect(log == "\(second.hex) Bo second\n\(first.hex) Ana Ruiz first\n")
        let show = try sandbox.git(["show", "main:cases/acme/inv-1.md"], in: sandbox.path("r")).stdout
        #expect(show == "hello\n")
        let files = try sandbox.git(["ls-tree", "-r", "--name-only", "main"], in: sandbox.path("r")).stdout
        #expect(files == "cases/acme/inv-1.md\n")
        let trailer = try sandbox.git(["log", "-1", "--format=%(trailers:key=DueTrail-Action,valueonly)", first.hex], in: sandbox.path("r")).stdout
        #expect(trailer.trimmingCharacters(in: .whitespacesAndNewlines) == "test")
        #expect(try repo.readBlob(blob) == Array("hello\n".utf8))
        #expect(try repo.entry(at: "cases/acme/inv-1.md", inTree: tree)?.id == blob)
        #expect(try repo.entry(at: "cases/nope.md", inTree: tree) == nil)
    }

    @Test func compareAndSwapRefusesAStaleParentAndLeavesTheBranch() throws {
        let repo = try Repository.create(at: sandbox.path("r"))
        let tree = try repo.makeTree(base: nil, updates: [.upsert(path: "f", blob: try repo.writeBlob("1"))])
        let branch = try repo.headBranch()
        let first = try repo.commit(tree: tree, onto: branch, parent: nil, author: signature(), committer: signature(), message: "one")
        let second = try repo.commit(tree: tree, onto: branch, parent: first, author: signature(), committer: signature(), message: "two")
        // A writer that still believes the tip is `first` loses the race.
        #expect {
            try repo.commit(tree: tree, onto: branch, parent: first, author: signature(), committer: signature(), message: "stale")
        } throws: { ($0 as? GitError)?.code == .modified }
        // So does one that thinks the branch does not exist yet.
        #expect {
            try repo.commit(tree: tree, onto: branch, parent: nil, author: signature(), committer: signature(), message: "stale")
        } throws: { ($0 as? GitError)?.code == .modified }
        #expect(try repo.resolve(reference: branch) == second)
        #expect(try sandbox.git(["rev-parse", "main"], in: sandbox.path("r")).stdout == second.hex + "\n")
    }

    @Test func stagingAndStatusAgreeWithGit() throws {
        let dir = sandbox.path("w")
        let repo = try Repository.create(at: dir)
        try sandbox.write("w/notes/a.md", "a\n")
        try sandbox.write("w/b.md", "b\n")
        try repo.stage(paths: ["notes/a.md", "b.md"])
        let tree = try repo.writeIndexTree()
        _ = try repo.commit(tree: tree, onto: try repo.headBranch(), parent: nil, author: signature(), committer: signature(), message: "add")
        #expect(try sandbox.git(["status", "--porcelain"], in: dir).stdout == "")
        #expect(try repo.status().isEmpty)

        try sandbox.write("w/b.md", "changed\n")
        try sandbox.write("w/new.md", "new\n")
        let statuses = try repo.status()
        #expect(statuses.map(\.path).sorted() == ["b.md", "new.md"])
        #expect(statuses.first { $0.path == "new.md" }?.untracked == true)
        #expect(statuses.first { $0.path == "b.md" }?.unstaged == true)
        #expect(try repo.status(pathspecs: ["b.md"], literal: true).map(\.path) == ["b.md"])
        let porcelain = try sandbox.git(["status", "--porcelain"], in: dir).stdout
        #expect(porcelain == " M b.md\n?? new.md\n")
    }

    @Test func modifiedPathsSeeEditsStagingAndNewFilesButNotATouch() throws {
        let dir = sandbox.path("w")
        let repo = try Repository.create(at: dir)
        for name in ["a.md", "b.md", "c.md", "d.md"] { try sandbox.write("w/\(name)", "\(name)\n") }
        try repo.stage(paths: ["a.md", "b.md", "c.md", "d.md"])
        let tree = try repo.writeIndexTree()
        _ = try repo.commit(tree: tree, onto: try repo.headBranch(), parent: nil, author: signature(), committer: signature(), message: "base")
        try sandbox.write("w/a.md", "A.md\n")  // same size, new content: needs the hash to notice
        try sandbox.write("w/b.md", "b.md\n")  // rewritten with the same bytes: not a change
        try sandbox.write("w/c.md", "staged\n")
        try sandbox.git(["add", "c.md"], in: dir)
        try sandbox.write("w/c.md", "c.md\n")  // disk matches HEAD again, but the index does not
        try sandbox.write("w/new.md", "new\n")
        let dirty = try repo.modifiedPaths(["a.md", "b.md", "c.md", "d.md", "new.md", "absent.md"], comparedTo: tree)
        #expect(dirty == ["a.md", "c.md", "new.md"])
    }

    @Test func workingFilesWrittenAfterACommitLeaveGitStatusClean() throws {
        let dir = sandbox.path("w")
        let repo = try Repository.create(at: dir)
        try sandbox.write("w/keep.md", "keep\n")
        try repo.stage(paths: ["keep.md"])
        let base = try repo.writeIndexTree()
        let first = try repo.commit(tree: base, onto: try repo.headBranch(), parent: nil, author: signature(), committer: signature(), message: "base")
        let bytes = Array("case\n".utf8)
        let blob = try repo.writeBlob(bytes)
        let tree = try repo.makeTree(base: base, updates: [.upsert(path: "cases/acme/inv-1.md", blob: blob), .remove(path: "keep.md")])
        _ = try repo.commit(tree: tree, onto: try repo.headBranch(), parent: first, author: signature(), committer: signature(), message: "change")
        try repo.writeWorkingFiles([
            WorkingFile(path: "cases/acme/inv-1.md", bytes: bytes, blob: blob), WorkingFile(path: "keep.md", bytes: nil, blob: nil),
        ])
        #expect(try sandbox.read("w/cases/acme/inv-1.md") == "case\n")
        #expect(!FileManager.default.fileExists(atPath: sandbox.path("w/keep.md")))
        #expect(try sandbox.git(["status", "--porcelain"], in: dir).stdout == "")
        #expect(try sandbox.git(["diff", "--cached", "--stat"], in: dir).stdout == "")
    }

    /// Many files at once (an import) are merged into the index in one pass, under its lock:
    /// the result is the index git itself would write, and a lock another process holds for a
    /// moment is waited for rather than failed on.
    @Test(arguments: [2, 3]) func manyWorkingFilesMergeIntoAnIndexGitWrote(version: Int) throws {
        let dir = sandbox.path("w")
        try sandbox.git(["init", "-q", "-b", "main", dir])
        for i in 0..<60 { try sandbox.write("w/cases/c\(i % 7)/inv-\(i).md", "case \(i)\n") }
        try sandbox.write("w/duetrail.yaml", "company: x\n")
        try sandbox.git(["add", "-A"], in: dir)
        try sandbox.git(["update-index", "--index-version", String(version)], in: dir)
        try sandbox.git(["commit", "-qm", "base"], in: dir)
        let repo = try Repository.open(at: dir)
        let head = try repo.headCommit()!
        var updates: [TreeUpdate] = []
        var files: [WorkingFile] = []
        for i in 0..<200 {  // new files, some sorting before and between the old ones
            let bytes = Array("new \(i)\n".utf8)
            let blob = try repo.writeBlob(bytes)
            let path = i % 3 == 0 ? "a/first-\(i).md" : "cases/c\(i % 9)/new-\(i).md"
            updates.append(.upsert(path: path, blob: blob))
            files.append(WorkingFile(path: path, bytes: bytes, blob: blob))
        }
        for i in stride(from: 0, to: 60, by: 4) {  // changed
            let bytes = Array("changed \(i)\n".utf8)
            let blob = try repo.writeBlob(bytes)
            updates.append(.upsert(path: "cases/c\(i % 7)/inv-\(i).md", blob: blob))
            files.append(WorkingFile(path: "cases/c\(i % 7)/inv-\(i).md", bytes: bytes, blob: blob))
        }
        for i in stride(from: 2, to: 60, by: 4) {  // removed
            updates.append(.remove(path: "cases/c\(i % 7)/inv-\(i).md"))
            files.append(WorkingFile(path: "cases/c\(i % 7)/inv-\(i).md", bytes: nil, blob: nil))
        }
        let tree = try repo.makeTree(base: try repo.commit(head).tree, updates: updates)
        _ = try repo.commit(tree: tree, onto: "refs/heads/main", parent: head, author: signature(), committer: signature(), message: "import")
        // Another process holds the index lock for a moment.
        let lock = dir + "/.git/index.lock"
        FileManager.default.createFile(atPath: lock, contents: Data())
        let release = Thread { usleep(150_000); unlink(lock) }
        release.start()
        let started = Date()
        try repo.writeWorkingFiles(files)
        #expect(Date().timeIntervalSince(started) >= 0.1, "waited for the lock")
        #expect(try sandbox.git(["status", "--porcelain", "--untracked-files=all"], in: dir).stdout == "")
        let staged = try sandbox.git(["ls-files", "-s"], in: dir).stdout
        let committed = try sandbox.git(["ls-tree", "-r", "--format=%(objectmode) %(objectname) 0\t%(path)", "HEAD"], in: dir).stdout
        #expect(staged == committed)
        #expect(try sandbox.git(["fsck", "--strict"], in: dir).status == 0)
    }

    /// An `index.lock` left by a process of ours that was killed holding it is removed by the
    /// next writer (its owner note names a process that is gone); a lock with no such note, as a
    /// git command holds it, is waited for and never removed.
    @Test func anIndexLockLeftByAKilledHolderIsRemovedAndAnyOtherIsLeft() throws {
        let dir = sandbox.path("w")
        try sandbox.git(["init", "-q", "-b", "main", dir])
        try sandbox.write("w/a.md", "a\n")
        try sandbox.git(["add", "-A"], in: dir)
        try sandbox.git(["commit", "-qm", "base"], in: dir)
        let repo = try Repository.open(at: dir)
        let bytes = Array("b\n".utf8)
        let blob = try repo.writeBlob(bytes)
        // A process that has ended: its pid is free (or reused by nothing of ours now).
        let gone = try ProcessResult.run("/bin/sh", ["-c", "echo $$"], cwd: dir, environment: [:]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let lock = dir + "/.git/index.lock", owner = dir + "/.git/index.lock-owner"
        try (gone + "\n").write(toFile: owner, atomically: false, encoding: .utf8)
        FileManager.default.createFile(atPath: lock, contents: Data())
        let started = Date()
        try repo.writeWorkingFiles([WorkingFile(path: "b.md", bytes: bytes, blob: blob)])
        #expect(Date().timeIntervalSince(started) < 1, "not waited for: it was a dead holder's")
        #expect(!FileManager.default.fileExists(atPath: lock) && !FileManager.default.fileExists(atPath: owner))
        #expect(try sandbox.git(["ls-files", "b.md"], in: dir).stdout == "b.md\n")
        // No owner note: git's own lock, never removed; the write fails after the bounded wait.
        FileManager.default.createFile(atPath: lock, contents: Data())
        #expect(throws: GitError.self) { try repo.writeWorkingFiles([WorkingFile(path: "c.md", bytes: bytes, blob: blob)]) }
        #expect(FileManager.default.fileExists(atPath: lock))
    }

    /// The index patched for a few paths must be the index git itself would write.
    @Test(arguments: [2, 3, 4]) func aFewWorkingFilesPatchAnIndexGitWrote(version: Int) throws {
        let dir = sandbox.path("w")
        try sandbox.git(["init", "-q", "-b", "main", dir])
        for path in ["cases/acme/a.md", "cases/acme/c.md", "cases/blue/b.md", "customers/acme.yaml", "duetrail.yaml"] {
            try sandbox.write("w/" + path, path + "\n")
        }
        try sandbox.git(["add", "-A"], in: dir)
        try sandbox.git(["update-index", "--index-version", String(version)], in: dir)
        try sandbox.git(["commit", "-qm", "base"], in: dir)  // writes a cache-tree (TREE) extension
        let repo = try Repository.open(at: dir)
        let head = try repo.headCommit()!
        let base = try repo.commit(head).tree
        let changed = Array("changed\n".utf8), added = Array("new\n".utf8)
        let changedID = try repo.writeBlob(changed), addedID = try repo.writeBlob(added)
        let tree = try repo.makeTree(base: base, updates: [
            .upsert(path: "cases/acme/c.md", blob: changedID), .upsert(path: "cases/acme/b2.md", blob: addedID),
            .upsert(path: "cases/zeta/z.md", blob: addedID), .remove(path: "cases/blue/b.md"),
        ])
        _ = try repo.commit(tree: tree, onto: "refs/heads/main", parent: head, author: signature(), committer: signature(), message: "change")
        try repo.writeWorkingFiles([
            WorkingFile(path: "cases/acme/b2.md", bytes: added, blob: addedID), WorkingFile(path: "cases/acme/c.md", bytes: changed, blob: changedID),
            WorkingFile(path: "cases/blue/b.md", bytes: nil, blob: nil), WorkingFile(path: "cases/zeta/z.md", bytes: added, blob: addedID),
        ])
        #expect(try sandbox.git(["status", "--porcelain", "--untracked-files=all"], in: dir).stdout == "")
        #expect(try sandbox.git(["diff", "--cached", "--name-only"], in: dir).stdout == "")
        let staged = try sandbox.git(["ls-files", "-s"], in: dir).stdout
        let committed = try sandbox.git(["ls-tree", "-r", "--format=%(objectmode) %(objectname) 0\t%(path)", "HEAD"], in: dir).stdout
        #expect(staged == committed)
        #expect(try sandbox.git(["fsck", "--strict"], in: dir).status == 0)
        #expect(try repo.modifiedPaths(["cases/acme/c.md", "cases/zeta/z.md"], comparedTo: tree).isEmpty)
        try sandbox.write("w/cases/zeta/z.md", "edited\n")
        #expect(try repo.modifiedPaths(["cases/acme/c.md", "cases/zeta/z.md"], comparedTo: tree) == ["cases/zeta/z.md"])
    }

    @Test func aBatchLandsAsOnePackThatGitAccepts() throws {
        let dir = sandbox.path("w")
        let repo = try Repository.create(at: dir)
        let batch = try ObjectBatch(gitDirectory: repo.gitDirectory)
        var updates: [TreeUpdate] = []
        for i in 0..<2500 {
            updates.append(.upsert(path: "cases/c\(i % 50)/inv-\(i).md", blob: try batch.repository.writeBlob("invoice \(i)\n")))
        }
        let tree = try batch.repository.makeTree(base: nil, updates: updates)
        let size = try batch.finish(tree: tree, base: nil)
        #expect(size > 0)
        try repo.refreshObjects()
        _ = try repo.commit(tree: tree, onto: try repo.headBranch(), parent: nil, author: signature(), committer: signature(), message: "bulk")
        #expect(try sandbox.git(["fsck", "--strict", "--no-dangling"], in: dir).status == 0)
        let counts = try sandbox.git(["count-objects", "-v"], in: dir).stdout
        #expect(counts.contains("count: 1\n"))  // only the commit is loose
        #expect(counts.contains("in-pack: 2552\n"))  // 2500 blobs + 50 folder trees + cases/ + the root tree
        #expect(try sandbox.git(["show", "main:cases/c7/inv-1207.md"], in: dir).stdout == "invoice 1207\n")
    }

    @Test func bareRepositoriesTakeCommitsToo() throws {
        let repo = try Repository.create(at: sandbox.path("shared.git"), bare: true)
        #expect(repo.isBare)
        #expect(repo.workingDirectory == nil)
        let tree = try repo.makeTree(base: nil, updates: [.upsert(path: "x", blob: try repo.writeBlob("x"))])
        _ = try repo.commit(tree: tree, onto: try repo.headBranch(), parent: nil, author: signature(), committer: signature(), message: "bare")
        #expect(try sandbox.git(["--git-dir", sandbox.path("shared.git"), "log", "--format=%s"]).stdout == "bare\n")
    }

    @Test func identityComesFromGitConfigOrSaysWhatIsMissing() throws {
        let repo = try Repository.create(at: sandbox.path("r"))
        #expect {
            try repo.defaultIdentity()
        } throws: { error in
            let e = error as? GitError
            return e?.code == .notFound && e?.message.contains("user.name and user.email not set") == true
        }
        try repo.setConfig("user.name", "Ana Ruiz")
        try repo.setConfig("user.email", "ana@example.test")
        let identity = try repo.defaultIdentity()
        #expect(identity.name == "Ana Ruiz" && identity.email == "ana@example.test")
    }

    @Test func openingSomethingThatIsNotARepositoryFailsWithLibgit2sMessage() throws {
        try FileManager.default.createDirectory(atPath: sandbox.path("plain"), withIntermediateDirectories: true)
        #expect {
            try Repository.open(at: sandbox.path("plain"))
        } throws: { error in
            let e = error as? GitError
            return e?.code == .notFound && e?.function == "git_repository_open_ext" && e?.message.contains("could not find repository") == true
        }
    }
}
