import DueTrailCore
import Foundation

/// Fixtures the core suites share.
enum CoreFixtures {
    struct Unreadable: Error { let number: String }

    /// The templates `init` ships, by name.
    static let shippedTemplates: Set<String> = ["courtesy", "nudge", "firm", "final", "statement", "promise-broken"]

    /// A case summary as the ledger would hold it, from hand-typed timeline lines after an
    /// opening on 1 January 2026.
    static func caseSummary(_ number: String, customer: String = "acme", due: String, balance: String = "100.00", events: [String] = []) throws -> CaseSummary {
        let text = """
            ---
            invoice: \(number)
            customer: \(customer)
            due: \(due)
            amount: \(balance)
            currency: EUR
            ---

            # Invoice \(number)

            ## Timeline

            - 2026-01-01 09:00 · opened · balance: \(balance) EUR · by Import
            \(events.joined(separator: "\n"))

            """
        let path = "cases/\(customer)/\(number.lowercased()).md"
        guard case .success(let file) = CaseFile.parse(text, path: path) else { throw Unreadable(number: number) }
        return CaseSummary(path: path, file: file)
    }
}
