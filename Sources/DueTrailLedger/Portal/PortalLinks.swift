import DueTrailCore
import Foundation

extension Ledger {
    /// Makes each customer's portal link for reminders drafted on `today`, when `portal.base_url`
    /// is set and a template shows `{{portal_url}}`; nil otherwise (and then no key is needed).
    /// A link works for `portal.link_days` days, to midnight in the ledger's timezone, so
    /// drafting twice on one day writes the same bytes.
    func portalLinks(today: CalendarDate, templates: some Sequence<ReminderTemplate>) throws(LedgerError) -> (@Sendable (String) -> String?)? {
        guard let settings = config.portal, let base = settings.baseURL, templates.contains(where: { $0.names.contains("portal_url") }) else { return nil }
        let key: PortalKey
        do {
            key = try PortalKeyFile.load(environment: environment)
        } catch {
            throw LedgerError.badRequest("duetrail.yaml sets portal.base_url, so reminders carry a portal link, but \(error.description.prefix(1).lowercased() + error.description.dropFirst())")
        }
        let expires = today.adding(days: settings.linkDays - 1).end(in: config.timezone)
        return { customer in "\(base)/p/\(PortalLink.token(customer: customer, expires: expires, key: key))" }
    }
}
