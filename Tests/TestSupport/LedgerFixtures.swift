import Foundation

extension Sandbox {
    /// A new ledger at `name` made by `duetrail init`, with the example's settings, cadence, customers
    /// and, when `importing`, its Xero export imported. Returns the ledger's path.
    @discardableResult
    public func exampleLedger(_ name: String = "ledger", importing: Bool = true) throws -> String {
        let dir = path(name)
        let r = try duetrail(["init", dir, "--company", "Northwind Studio Ltd", "--timezone", "Europe/Dublin"])
        guard r.status == 0 else { throw FixtureError(r.description) }
        let example = Binary.exampleLedger
        let fm = FileManager.default
        try fm.removeItem(atPath: dir + "/duetrail.yaml")
        try fm.copyItem(atPath: example + "/duetrail.yaml", toPath: dir + "/duetrail.yaml")
        try fm.removeItem(atPath: dir + "/cadence.yaml")
        try fm.copyItem(atPath: example + "/cadence.yaml", toPath: dir + "/cadence.yaml")
        for name in try fm.contentsOfDirectory(atPath: example + "/customers") {
            try fm.copyItem(atPath: example + "/customers/" + name, toPath: dir + "/customers/" + name)
        }
        try git(["add", "-A"], in: dir)
        try git(["commit", "-qm", "example settings and customers"], in: dir)
        if importing {
            let imported = try duetrail(["import", "invoices", example + "/exports/open-invoices.csv"], in: dir)
            guard imported.status == 0 else { throw FixtureError(imported.description) }
        }
        return dir
    }
}

public struct FixtureError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
