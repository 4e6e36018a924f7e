import DueTrailCore
import DueTrailLedger
import Foundation
import GitStore
import Testing
import TestSupport

/// The ledger's write path, in-process: compare-and-swap with retry against a concurrent writer.
@Suite struct LedgerWriteTests {
    let sandbox: Sandbox
    init() throws {
        sandbox = try Sandbox()
    }

    @Test func aCommitLostToAConcurrentWriterIsRebuiltOnTheNewTip() throws {
        let dir = try sandbox.exampleLedger()
        let ledger = try Ledger.open(at: dir, environment: sandbox.environment)
        let identity = try ledger.identity()
        var bases: [ObjectID?] = []
        let outcome = try ledger.commit(author: identity) { base throws(LedgerError) -> ChangeSet? in
            bases.append(base)
            if bases.count == 1 {
                // Someone else commits between our read and our write.
                _ = try? sandbox.git(["commit", "--allow-empty", "-qm", "teammate's commit"], in: dir)
            }
            var change = ChangeSet(subject: "test: write after a race", trailers: [.action(.note)])
            change.files["customers/new-co.yaml"] = CustomerFile(slug: "new-co", name: "New Co", contacts: []).render()
            return change
        }
        #expect(outcome?.attempts == 2)
        #expect(bases.count == 2 && bases[0] != bases[1])
        let log = try sandbox.git(["log", "-3", "--format=%s"], in: dir).stdout
        #expect(log.hasPrefix("test: write after a race\nteammate's commit\nimport: 28 invoices"))
        #expect(try sandbox.git(["rev-list", "--merges", "--count", "HEAD"], in: dir).stdout == "0\n")  // linear, nothing rewritten
        #expect(try sandbox.git(["status", "--porcelain"], in: dir).stdout == "")
        #expect(try sandbox.read("ledger/customers/new-co.yaml").hasPrefix("name: New Co\n"))
    }

    @Test func nothingToChangeMakesNoCommit() throws {
        let dir = try sandbox.exampleLedger()
        let ledger = try Ledger.open(at: dir, environment: sandbox.environment)
        let head = try sandbox.git(["rev-parse", "HEAD"], in: dir).stdout
        let same = try sandbox.read("ledger/duetrail.yaml")
        let outcome = try ledger.commit(author: try ledger.identity()) { _ throws(LedgerError) -> ChangeSet? in
            var change = ChangeSet(subject: "no-op")
            change.files["duetrail.yaml"] = same
            return change
        }
        #expect(outcome == nil)
        #expect(try sandbox.git(["rev-parse", "HEAD"], in: dir).stdout == head)
    }
}
