import DueTrailCore
import Foundation
import Testing
import TestSupport

/// A ledger big enough to take the bulk paths (a packed import, parallel rendering), and the
/// summary cache under the things that happen to it: a damaged file, a renamed folder.
@Suite struct LargeLedgerTests {
    let sandbox: Sandbox
    init() throws { sandbox = try Sandbox() }

    /// Totals computed straight from the generated CSV (simple rows, no quoting), not by DueTrail.
    func expectedTotals(_ csv: String) -> [String: (Decimal, Int)] {
        var totals: [String: (Decimal, Int)] = [:]
        for line in csv.split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            guard let due = Decimal(string: String(f[6])), due > 0 else { continue }
            totals[String(f[7]), default: (0, 0)].0 += due
            totals[String(f[7]), default: (0, 0)].1 += 1
        }
        return totals
    }

    @Test func aBulkImportIsPackedAndEveryReaderAgrees() throws {
        let csvPath = sandbox.path("open.csv")
        let gen = try ProcessResult.run("/usr/bin/env", ["python3", Binary.packageRoot.path + "/bench/generate_export.py", "--invoices", "2600", "--customers", "130"], cwd: sandbox.root.path, environment: sandbox.environment)
        #expect(gen.status == 0)
        try sandbox.write("open.csv", gen.stdout)
        let dir = sandbox.path("big")
        #expect(try sandbox.duetrail(["init", dir, "--company", "Big"]).status == 0)
        let imported = try sandbox.duetrail(["import", "invoices", csvPath], in: dir)
        #expect(imported.status == 0, "\(imported)")
        #expect(imported.stdout.contains("2600 new, 0 updated"))
        #expect(try sandbox.git(["fsck", "--strict"], in: dir).status == 0)
        #expect(try sandbox.git(["status", "--porcelain"], in: dir).stdout == "")
        let loose = try sandbox.git(["count-objects", "-v"], in: dir).stdout
        #expect(loose.contains("packs: 1\n"))  // the import landed as one pack, not 5,000 loose objects

        let totals = expectedTotals(gen.stdout)
        let queue = try sandbox.duetrail(["queue"], in: dir).stdout
        for (currency, (sum, count)) in totals {
            let display = Money(sum, Currency(code: currency)!).display
            #expect(queue.contains("Total \(display) in \(count) open cases"), "\(currency): \(queue.suffix(300))")
        }
        #expect(try sandbox.duetrail(["check"], in: dir).stdout.hasPrefix("ok: 2600 cases, 130 customers"))
        #expect(try sandbox.duetrail(["import", "invoices", csvPath], in: dir).stdout.contains("Nothing to change"))

        // A damaged cache is ignored and rebuilt; the answer does not change.
        try sandbox.write("big/.git/duetrail/summaries", "duetrail-summaries 3 derivation 1\nT garbage\n")
        #expect(try sandbox.duetrail(["queue"], in: dir).stdout == queue)

        // A folder renamed with plain git keeps its tree id; paths must follow the new name.
        let folder = try sandbox.git(["ls-tree", "-d", "--name-only", "HEAD", "cases/"], in: dir).stdout.split(separator: "\n")[0]
        try sandbox.git(["mv", String(folder), "cases/renamed-customer"], in: dir)
        try sandbox.git(["commit", "-qm", "rename"], in: dir)
        let csv = try sandbox.duetrail(["queue", "--csv"], in: dir).stdout
        #expect(csv.contains("cases/renamed-customer/"))
        #expect(!csv.contains(String(folder) + "/"))
    }

    @Test func checkReusesWhatItReadAndStillSeesEveryEdit() throws {
        let gen = try ProcessResult.run("/usr/bin/env", ["python3", Binary.packageRoot.path + "/bench/generate_export.py", "--invoices", "2400", "--customers", "60"], cwd: sandbox.root.path, environment: sandbox.environment)
        try sandbox.write("open.csv", gen.stdout)
        let dir = sandbox.path("big")
        #expect(try sandbox.duetrail(["init", dir, "--company", "Big"]).status == 0)
        #expect(try sandbox.duetrail(["import", "invoices", sandbox.path("open.csv")], in: dir).status == 0)
        // A clone has no cache: its first check reads everything, later ones reuse it.
        try sandbox.git(["clone", "-q", dir, sandbox.path("clone")])
        let clone = sandbox.path("clone")
        let cold = try sandbox.duetrail(["check", "--json"], in: clone)
        let warm = try sandbox.duetrail(["check", "--json"], in: clone)
        #expect(cold.status == 0 && cold.stdout.contains("\"cases\" : 2400"), "\(cold)")
        #expect(warm.stdout == cold.stdout)
        let events = try #require(cold.stdout.split(separator: "\n").first { $0.contains("\"events\"") })
        #expect(events.contains("2400"), "one opening event per case: \(events)")

        // An edited file is read again, whatever the cache says of its old version.
        let paths = try sandbox.git(["ls-files", "cases"], in: clone).stdout.split(separator: "\n").map(String.init)
        let edited = paths[7]
        try sandbox.write("clone/" + edited, try sandbox.read("clone/" + edited) + "- someday · note · x · by Ana\n")
        // A copy of a cached file elsewhere (untracked) is one more case with the same number.
        let copy = "cases/" + String(paths[9].split(separator: "/")[1]) + "/copy.md"
        try sandbox.write("clone/" + copy, try sandbox.read("clone/" + paths[9]))
        let r = try sandbox.duetrail(["check"], in: clone)
        #expect(r.status == 1)
        #expect(r.stdout.contains("\(edited):"), "\(r)")
        #expect(r.stdout.contains("`someday` is not a date"), "\(r)")
        // (`copy.md` sorts first, so the original is the one reported, as before the cache.)
        #expect(r.stdout.contains("\(paths[9]):2: invoice ") && r.stdout.contains("also has a case in \(copy)"), "\(r)")
        #expect(r.stderr.contains("2 problems found"), "\(r)")
        // Put back, the ledger is clean again, from the cache.
        try sandbox.git(["checkout", "--", edited], in: clone)
        try FileManager.default.removeItem(atPath: clone + "/" + copy)
        #expect(try sandbox.duetrail(["check", "--json"], in: clone).stdout == cold.stdout)
        // A file written in the same clock tick as the index is "racily clean" and is not
        // trusted until git refreshes the index (as `git status` does); then the report is kept.
        _ = try sandbox.git(["status", "--porcelain"], in: clone)
        #expect(try sandbox.duetrail(["check", "--json"], in: clone).stdout == cold.stdout)
        #expect(FileManager.default.fileExists(atPath: clone + "/.git/duetrail/check"), "the clean report is kept for the next check")
        // A reader that stops early does not cost the next command a cold read: the summary
        // cache written in the background is finished, and no temporary file is left.
        try FileManager.default.removeItem(atPath: clone + "/.git/duetrail/summaries")
        let head = try ProcessResult.run("/bin/sh", ["-c", "'\(Binary.duetrail)' queue --all | head -1"], cwd: clone, environment: sandbox.environment)
        #expect(head.stdout.hasPrefix("Open cases as of"), "\(head)")
        let kept = try FileManager.default.contentsOfDirectory(atPath: clone + "/.git/duetrail").sorted()
        #expect(kept == ["check", "summaries"], "\(kept)")
        // A file removed since is noticed, though the index still lists it.
        try FileManager.default.removeItem(atPath: clone + "/" + paths[3])
        #expect(try sandbox.duetrail(["check"], in: clone).stdout.hasPrefix("ok: 2399 cases"))
    }

    @Test func aNoteOnABigLedgerKeepsTheQueueExact() throws {
        let gen = try ProcessResult.run("/usr/bin/env", ["python3", Binary.packageRoot.path + "/bench/generate_export.py", "--invoices", "300", "--customers", "30"], cwd: sandbox.root.path, environment: sandbox.environment)
        try sandbox.write("open.csv", gen.stdout)
        let dir = sandbox.path("l")
        #expect(try sandbox.duetrail(["init", dir]).status == 0)
        #expect(try sandbox.duetrail(["import", "invoices", sandbox.path("open.csv")], in: dir).status == 0)
        let before = try sandbox.duetrail(["queue", "--all"], in: dir).stdout
        #expect(try sandbox.duetrail(["note", "INV-100007", "Called"], in: dir).status == 0)
        #expect(try sandbox.duetrail(["queue", "--all"], in: dir).stdout == before)  // a note changes no balance
        #expect(FileManager.default.fileExists(atPath: sandbox.path("l/.git/duetrail/summaries.journal")))
        // A hand-made case whose number differs only in case: exact matches win.
        #expect(try sandbox.duetrail(["show", "inv-100007"], in: dir).stdout.hasPrefix("Invoice INV-100007"))
    }

    @Test func reImportingThreeDecimalAmountsIsANoOp() throws {
        let dir = try sandbox.exampleLedger(importing: false)
        // Issue 20: a third decimal that rounding would change is refused, never rounded…
        try sandbox.write("odd.csv", "Invoice,Customer,Due,Total,Balance,Currency\nA-1,Acme GmbH,2026-10-01,100.125,100.125,EUR\n")
        #expect(try sandbox.duetrail(["import", "invoices", sandbox.path("odd.csv")], in: dir).stderr.contains("`100.125` has more decimal places than EUR has (2)"))
        // …and one that is a zero is the same amount, re-imported as no change.
        try sandbox.write("odd.csv", "Invoice,Customer,Due,Total,Balance,Currency\nA-1,Acme GmbH,2026-10-01,100.130,100.130,EUR\n")
        #expect(try sandbox.duetrail(["import", "invoices", sandbox.path("odd.csv")], in: dir).status == 0)
        #expect(try sandbox.duetrail(["import", "invoices", sandbox.path("odd.csv")], in: dir).stdout.contains("Nothing to change"))
        // A later balance-only export updates the balance and leaves the invoice total alone.
        try sandbox.write("later.csv", "Invoice,Customer,Due,Balance,Currency\nA-1,Acme GmbH,2026-10-01,40.00,EUR\n")
        #expect(try sandbox.duetrail(["import", "invoices", sandbox.path("later.csv")], in: dir).status == 0)
        let show = try sandbox.duetrail(["show", "A-1"], in: dir).stdout
        #expect(show.contains("amount    EUR 100.13") && show.contains("balance   EUR 40.00"))
    }
}
