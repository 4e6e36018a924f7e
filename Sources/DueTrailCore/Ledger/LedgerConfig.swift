import Foundation

/// `duetrail.yaml`: who the ledger belongs to and how it counts. Never holds secrets.
package struct LedgerConfig: Sendable, Equatable {
    package static let fileName = "duetrail.yaml"

    package var company: String
    package var senderName: String
    package var senderEmail: String
    package var currency: Currency
    package var timezone: TimeZone
    /// Where customers' answers go (`reply_to:`); the sender's address when not set.
    package var replyTo: String?
    /// The address scheduled jobs commit as (`automation:`, e.g. a cron job running `draft`
    /// and `send`): `audit` never counts its commits as a person's approval.
    package var automationEmail: String?
    /// How `send` delivers (`transport:`; kept verbatim in `extra`, as the person wrote it).
    package var transport: TransportSettings = .maildir(path: nil)
    /// The customer portal (`portal:`; kept verbatim in `extra`); nil when not set up.
    package var portal: PortalSettings?
    /// The portal's settings, the defaults when `portal:` is not set.
    package var portalSettings: PortalSettings { portal ?? PortalSettings() }
    /// `default_terms:` (`Net 30`): due dates for imported invoices that have none, when the
    /// customer file has no `terms:` either (kept verbatim in `extra`).
    package var defaultTerms: PaymentTerms?
    /// How people of this ledger write amounts (`number_format:`; kept verbatim in `extra`).
    package var numberFormat: NumberFormat?
    /// The format typed amounts are read by: `number_format:`, else the currency's usual one.
    package var amountFormat: NumberFormat { numberFormat ?? .usual(for: currency) }
    /// Keys the tool does not own (`transport:`, later the portal), verbatim.
    package var extra: String

    package init(company: String, senderName: String, senderEmail: String, currency: Currency, timezone: TimeZone, extra: String = "") {
        self.company = company
        self.senderName = senderName
        self.senderEmail = senderEmail
        self.currency = currency
        self.timezone = timezone
        self.extra = extra
    }

    package static func defaults(company: String) -> LedgerConfig {
        LedgerConfig(
            company: company, senderName: "Accounts at \(company)", senderEmail: "accounts@example.com",
            currency: .euro, timezone: TimeZone(identifier: "UTC") ?? .current)
    }

    static let owned: Set<String> = ["company", "sender", "currency", "timezone", "reply_to", "automation"]

    package func render() -> String {
        var out = "# DueTrail ledger settings. Secrets (passwords, keys) never go in this file.\n"
        out += "company: \(YAMLText.scalar(company))\n"
        out += "sender:\n  name: \(YAMLText.scalar(senderName))\n  email: \(YAMLText.scalar(senderEmail))\n"
        out += "currency: \(currency.code)\n"
        out += "timezone: \(timezone.identifier)\n"
        if let replyTo { out += "reply_to: \(YAMLText.scalar(replyTo))\n" }
        if let automationEmail { out += "automation: \(YAMLText.scalar(automationEmail))\n" }
        out += extra
        return out
    }

    package static func parse(_ text: String, path: String = fileName) throws(Diagnostic) -> LedgerConfig {
        let map = try YAMLMap(text: text, path: path)
        let (company, _) = try map.requiredString("company")
        guard let sender = map["sender"], let s = sender.value.mapping, let name = s["name"]?.string, let emailNode = s["email"], let email = emailNode.string else {
            throw Diagnostic(path: path, line: map["sender"]?.line ?? 1, message: "`sender:` needs `name:` and `email:` lines (who reminders come from)")
        }
        guard EmailAddress.isPlausible(email) else {
            throw Diagnostic(path: path, line: map.line(of: emailNode) ?? sender.line, message: "sender email `\(email)` is not an email address: \(EmailAddress.problem(email) ?? "")")
        }
        let (currencyText, currencyEntry) = try map.requiredString("currency")
        guard let currency = Currency(code: currencyText) else { throw map.problem(currencyEntry, "`currency` must be a code like EUR, not `\(currencyText)`") }
        let (tzText, tzEntry) = try map.requiredString("timezone")
        guard let tz = TimeZone(identifier: tzText) else {
            throw map.problem(tzEntry, "`\(tzText)` is not a timezone", hint: "use a name like Europe/Berlin, America/New_York or UTC")
        }
        var config = LedgerConfig(company: company, senderName: name, senderEmail: email, currency: currency, timezone: tz,
            extra: YAMLBlocks(text).foreign(excluding: owned))
        config.transport = try TransportSettings.parse(map)
        config.portal = try PortalSettings.parse(map)
        config.numberFormat = try NumberFormat.parse(map)
        if let (text, entry) = try map.optionalEntry("default_terms") {
            guard let terms = PaymentTerms(text) else {
                throw map.problem(entry, "`default_terms: \(text)` does not say how many days; write e.g. `default_terms: Net 30` or `default_terms: 14 days`")
            }
            config.defaultTerms = terms
        }
        if let (replyTo, entry) = try map.optionalEntry("reply_to") {
            guard EmailAddress.isPlausible(replyTo) else { throw map.problem(entry, "reply_to `\(replyTo)` is not an email address: \(EmailAddress.problem(replyTo) ?? "")") }
            config.replyTo = replyTo
        }
        if let (automation, entry) = try map.optionalEntry("automation") {
            guard EmailAddress.isPlausible(automation) else {
                throw map.problem(entry, "automation `\(automation)` is not an email address: \(EmailAddress.problem(automation) ?? "")", hint: "the address your scheduled jobs commit as")
            }
            config.automationEmail = automation
        }
        return config
    }
}
