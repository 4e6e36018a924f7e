import Foundation

/// The `portal:` block of `duetrail.yaml`: where the portal is reached, where customers pay,
/// and how long the links in reminders work. No secrets: the signing key lives outside the
/// repository (see `PortalLink`).
///
/// ```yaml
/// portal:
///   base_url: https://pay.northwind-studio.example
///   pay_url: https://checkout.example.com/pay?ref={{number}}&amount={{amount}}&currency={{currency}}
///   link_days: 30
///   no_reply: no-reply@northwind-studio.example
/// ```
package struct PortalSettings: Sendable, Equatable {
    /// The portal's public address, without a trailing slash; links are `<base>/p/<token>`.
    package var baseURL: String?
    /// A payment link per invoice: `{{number}}`, `{{amount}}` (the balance, e.g. 1200.50),
    /// `{{currency}}` and `{{customer}}` are filled in, each percent-encoded.
    package var payURL: String?
    /// How many days a link in a reminder works (the link runs to midnight of that day).
    package var linkDays: Int = 30
    /// The address portal commits are authored with (after the customer's name).
    package var noReply: String?

    package init(baseURL: String? = nil, payURL: String? = nil, linkDays: Int = 30, noReply: String? = nil) {
        self.baseURL = baseURL
        self.payURL = payURL
        self.linkDays = linkDays
        self.noReply = noReply
    }

    package static let placeholders = ["number", "amount", "currency", "customer"]

    static func parse(_ map: YAMLMap) throws(Diagnostic) -> PortalSettings? {
        guard let entry = map["portal"] else { return nil }
        guard let block = entry.value.mapping else {
            throw map.problem(entry, "`portal:` is a block of settings (`base_url: https://…`, `pay_url: …`)")
        }
        func fail(_ line: Int, _ message: String, hint: String? = nil) -> Diagnostic {
            Diagnostic(path: map.path, line: line, message: message, excerpt: map.excerpt(line), hint: hint)
        }
        var settings = PortalSettings()
        let known: Set<String> = ["base_url", "pay_url", "link_days", "no_reply"]
        for (key, node) in block {
            let name = key.string ?? ""
            let line = map.line(of: key) ?? entry.line
            guard known.contains(name) else {
                throw fail(line, "unknown portal setting `\(name)`", hint: "known: \(known.sorted().joined(separator: ", "))")
            }
            let value = (node.string ?? "").trimmingCharacters(in: .whitespaces)
            switch name {
            case "base_url":
                guard let url = webAddress(value), url.query == nil, url.fragment == nil else {
                    throw fail(line, "`base_url` is the portal's public address, like https://pay.example.com, not `\(value)`")
                }
                var base = value
                while base.hasSuffix("/") { base.removeLast() }
                settings.baseURL = base
            case "pay_url":
                guard webAddress(value.replacingOccurrences(of: "{{", with: "").replacingOccurrences(of: "}}", with: "")) != nil else {
                    throw fail(line, "`pay_url` is a web address (https://…) with placeholders like {{number}}, not `\(value)`")
                }
                if let unknown = unknownPlaceholder(in: value) {
                    throw fail(line, "`pay_url` uses `{{\(unknown)}}`, which the portal does not fill in",
                        hint: "known: " + placeholders.map { "{{\($0)}}" }.joined(separator: ", "))
                }
                settings.payURL = value
            case "link_days":
                guard let days = Int(value) ?? Span(value)?.calendarDays, (1...3650).contains(days) else {
                    throw fail(line, "`link_days` is a number of days from 1 to 3650, not `\(value)`")
                }
                settings.linkDays = days
            default:
                guard EmailAddress.isPlausible(value) else {
                    throw fail(line, "`no_reply` `\(value)` is not an email address: \(EmailAddress.problem(value) ?? "")")
                }
                settings.noReply = value
            }
        }
        return settings
    }

    /// An absolute http(s) address with a host.
    static func webAddress(_ text: String) -> URL? {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http",
            let host = url.host, !host.isEmpty
        else { return nil }
        return url
    }

    static func unknownPlaceholder(in template: String) -> String? {
        var rest = Substring(template)
        while let open = rest.range(of: "{{") {
            guard let close = rest[open.upperBound...].range(of: "}}") else { return String(rest[open.upperBound...]) }
            let name = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            if !placeholders.contains(name) { return name }
            rest = rest[close.upperBound...]
        }
        return nil
    }

    /// The pay link for one invoice, or nil when no `pay_url` is set. Values are
    /// percent-encoded, so an invoice number cannot add a parameter or change the host.
    package func payLink(number: String, amount: Money, customer: String) -> String? {
        guard let payURL else { return nil }
        let values = ["number": number, "amount": amount.plain, "currency": amount.currency.code, "customer": customer]
        var out = ""
        var rest = Substring(payURL)
        while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
            out += rest[..<open.lowerBound]
            let name = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            out += Self.percentEncoded(values[name] ?? "")
            rest = rest[close.upperBound...]
        }
        return out + rest
    }

    /// RFC 3986's unreserved characters; built once (a page view encodes every invoice's link).
    static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    static func percentEncoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }

    /// `https://pay.example.com` (scheme, host and port of `baseURL`): the `Origin` a browser
    /// sends with the portal's own forms.
    package var origin: String? {
        guard let baseURL, let url = Self.webAddress(baseURL), let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased() else { return nil }
        // Browsers leave a scheme's default port out of `Origin`.
        let port = url.port.flatMap { (scheme == "https" && $0 == 443) || (scheme == "http" && $0 == 80) ? nil : $0 }
        return "\(scheme)://\(host)" + (port.map { ":\($0)" } ?? "")
    }

    /// The author address of portal commits: `no_reply`, else `no-reply@` the sender's domain.
    package func noReplyAddress(senderEmail: String) -> String {
        if let noReply { return noReply }
        let domain = senderEmail.split(separator: "@").last.map(String.init) ?? "invalid"
        return "no-reply@\(domain)"
    }
}
