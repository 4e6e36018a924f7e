import DueTrailLedger
import HTTPTypes
import Testing

@testable import DueTrailPortal

/// What the portal answers when the ledger refuses a form it had accepted: each kind of
/// refusal once, in one place.
@Suite struct PortalRefusalTests {
    @Test func eachRefusalHasItsStatusAndWording() {
        func status(_ error: LedgerError) -> HTTPResponse.Status? { PortalRoutes.refusal(for: error, form: "promise")?.status }
        #expect(status(.conflict("INV-1 is already disputed since 2026-11-01")) == .conflict)
        #expect(status(.notFound("INV-9 is not a case of acme")) == .notFound)
        #expect(status(.badRequest("the promised date is in the past")) == .badRequest)
        #expect(status(.lostRace("the ledger kept changing")) == .serviceUnavailable)
        #expect(status(.internalFailure("bug")) == nil, "a fault of the tool is a 500 page, not the customer's form")
        #expect(status(.dirtyPaths(["cases/acme/inv-1.md"])) == nil)
        #expect(status(.io(path: "x", message: "disk full")) == nil)
        let conflict = PortalRoutes.refusal(for: .conflict("x"), form: "dispute")
        #expect(conflict?.error.field == "dispute-invoice")
        #expect(conflict?.error.message.contains("changed a moment ago") == true)
        #expect(PortalRoutes.refusal(for: .conflict("INV-1 internal words"), form: "promise")?.error.message.contains("INV-1") == false,
            "the ledger's wording for the team is not shown to the customer")
    }
}
