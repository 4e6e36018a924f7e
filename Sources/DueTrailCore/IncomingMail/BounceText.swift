import Foundation

/// The per-recipient blocks of a delivery status report (RFC 3464) as servers really write
/// them: `Final-Recipient: rfc822; <a@b>` with or without brackets, `Original-Recipient`
/// preferred when the final one is not an internet address (X.400) or an internal one
/// (`user@host-daemon`), `Action:` anywhere in the block and in any case (`failed`,
/// `failure`, `error`; `delayed`), and the status code when the action is missing.
enum DeliveryStatus {
    enum Outcome { case failed, delayed, other }

    static func recipients(_ text: String) -> [(address: String, outcome: Outcome)] {
        var out: [(String, Outcome)] = []
        // Blocks are separated by blank lines; the first describes the message as a whole.
        let blocks = text.components(separatedBy: "\n\n")
        for block in blocks {
            var fields: [String: String] = [:]
            var last: String?
            for raw in block.split(separator: "\n") {
                if raw.first == " " || raw.first == "\t", let key = last {
                    fields[key, default: ""] += " " + raw.trimmingCharacters(in: .whitespaces)
                    continue
                }
                guard let colon = raw.firstIndex(of: ":") else { continue }
                let key = raw[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
                if fields[key] == nil { fields[key] = raw[raw.index(after: colon)...].trimmingCharacters(in: .whitespaces) }
                last = key
            }
            let final = fields["final-recipient"].flatMap(address)
            let original = fields["original-recipient"].flatMap(address)
            // The original recipient is the address the message was sent to: an alias that
            // forwarded elsewhere (or an X.400 or internal final address) is not ours to mark.
            guard let chosen = [original, final].compactMap({ $0 }).first(where: { $0.contains("@") && !isInternal($0) })
                ?? [original, final].compactMap({ $0 }).first(where: { $0.contains("@") })
            else { continue }
            let action = (fields["action"] ?? "").lowercased()
            let status = (fields["status"] ?? "").trimmingCharacters(in: .whitespaces)
            let outcome: Outcome
            if action.hasPrefix("fail") || action.hasPrefix("error") || action.hasPrefix("bounce") {
                outcome = .failed
            } else if action.hasPrefix("delay") {
                outcome = .delayed
            } else if action.isEmpty, status.hasPrefix("5") {
                outcome = .failed
            } else if action.isEmpty, status.hasPrefix("4") {
                outcome = .delayed
            } else {
                outcome = .other
            }
            out.append((chosen, outcome))
        }
        return out
    }

    /// `rfc822; <User@Example.com>` → `user@example.com`; an X.400 address stays as it is
    /// (no `@`), so the caller can prefer the original recipient.
    static func address(_ field: String) -> String? {
        let value = field.split(separator: ";", maxSplits: 1).last.map(String.init) ?? field
        let found = BounceText.addresses(in: value).first
        if let found { return found }
        let bare = value.trimmingCharacters(in: CharacterSet(charactersIn: " <>\t"))
        return bare.isEmpty ? nil : bare.lowercased()
    }

    /// A mail system's own address rather than where the message was going.
    static func isInternal(_ address: String) -> Bool {
        guard let at = address.firstIndex(of: "@") else { return true }
        let host = address[address.index(after: at)...]
        return host.hasSuffix("-daemon") || !host.contains(".")
    }
}

/// Bounces without a status report, as qmail, Exim, Postfix, Sendmail, Exchange, Gmail, Yahoo,
/// AOL, GroupWise, Lotus Notes, SMTP32 and the rest write them: which message is one, which
/// addresses it says failed, and whether it only warns of a delay. The addresses are those the
/// server's own words name, before the copy of the returned message, other than the bounce's
/// own sender and recipients. Written by hand: no listed package reads bounces.
package enum BounceText {
    static let subjects = [
        "undeliverable", "undelivered", "delivery status notification", "delivery failure", "delivery failed", "failure notice",
        "returned mail", "mail delivery failed", "mail delivery failure", "delivery notification", "nondeliverable", "non-deliverable",
        "not delivered", "could not be delivered", "delivery problem", "mail system error", "permanent error", "delivery report",
        "undeliverable mail", "warning: could not send message", "delayed mail", "delivery delayed", "message delayed", "unzustellbar",
        "non remis", "no se puede entregar", "non recapitabile", "onbestelbaar", "unable to deliver", "bounce", "error sending message",
        "mail could not be delivered", "message not delivered", "returned to sender", "failed mail",
    ]

    static let senders = ["mailer-daemon", "postmaster", "mail-daemon", "maildaemon", "mailerdaemon", "mdaemon", "smtp", "mail.delivery.system", "nobody", "daemon", "mmdf", "mail-server"]

    static let replyPrefixes = ["re:", "re :", "aw:", "sv:", "antw:", "r:", "rif:", "odp:", "vs:", "ynt:", "fw:", "fwd:", "wg:", "tr:", "rv:", "res:"]

    package static func looksLikeBounce(subject: String, sender: String) -> Bool {
        if isDaemon(sender.lowercased()) { return true }
        let s = subject.lowercased()
        // A person answering about a bounce ("Re: Undeliverable: …") is a reply, not a bounce.
        if replyPrefixes.contains(where: { s.hasPrefix($0) }) { return false }
        return s.containsAny(subjects)
    }

    /// Where the returned copy (or its headers) begins: nothing after it is the server's word.
    static let copyMarkers = [
        "- original message", "original message -", "original message follows", "below this line is a copy", "this is a copy of the message", "copy of the original message",
        "returned message", "header of the original message", "unsent message below", "message headers follow", "original message follows",
        "--- below this line", "the message that caused this notification", "here are the headers",
        "original text follows", "text of the message follows", "included below are the headers", "message text follows",
    ]

    static let delayWords = [
        "will retry", "will be retried", "still trying", "not yet been delivered", "delivery delayed", "message delayed", "delayed mail",
        "has been delayed", "is delayed", "warning: could not send", "temporarily", "will continue to try", "retry timeout",
        "no action is required on your part", "will keep trying", "transient",
    ]
    static let finalWords = ["permanent", "giving up", "gave up", "failed permanently", "unrecoverable", "fatal error", "could not be delivered to the following", "undeliverable", "unknown user", "user unknown", "no such user"]

    /// The addresses the text says failed (or are delayed), the bounce's own parties excluded.
    static func read(_ text: String, subject: String, excluding parties: Set<String>) -> (addresses: [String], temporary: Bool) {
        // A list's bounce goes to `list-bounces@`/`list-admin@`; the list itself is named too.
        var own = parties
        for address in parties {
            guard let at = address.firstIndex(of: "@") else { continue }
            let local = address[..<at], domain = address[at...]
            for suffix in ["-bounces", "-admin", "-owner", "-request"] where local.hasSuffix(suffix) {
                own.insert(String(local.dropLast(suffix.count)) + domain)
            }
            if let plus = local.firstIndex(of: "+") { own.insert(String(local[..<plus]) + domain) }
        }
        var lines: [Substring] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let lower = line.lowercased()
            if lower.containsAny(copyMarkers) { break }
            // An embedded header block (Received:, Return-Path:) starts the returned copy too.
            if lower.hasPrefix("received: ") || lower.hasPrefix("return-path:") || lower.hasPrefix("message-id:") { break }
            lines.append(line)
        }
        let diagnostic = lines.joined(separator: "\n")
        var found: [String] = []
        for line in lines {
            let lower = line.lowercased()
            let bare = String(lower.drop { $0 == " " || $0 == "\t" || $0 == "*" || $0 == ">" || $0 == "-" })
            // Addresses in lines about ids, the reporting system or the sender are not recipients.
            if lower.containsAny(["message-id", "reporting-mta", "sender:"]) || bare.hasPrefix("from:") || bare.hasPrefix("reply-to:") || bare.hasPrefix("to:") || bare.hasPrefix("cc:") { continue }
            for address in addresses(in: String(line)) where !own.contains(address) && !isSystem(address) && !found.contains(address) {
                found.append(address)
            }
        }
        let lower = (subject + "\n" + diagnostic).lowercased().replacingOccurrences(of: "non-fatal", with: "transient")
        let delayed = lower.containsAny(delayWords) && !lower.containsAny(finalWords)
        return (found, delayed)
    }

    /// A mail system's own sender (`MAILER-DAEMON@`, `postmaster@`…), by its local part.
    static func isDaemon(_ address: String) -> Bool {
        let local = address.split(separator: "@").first.map(String.init) ?? ""
        return senders.contains(local) || local.hasPrefix("mailer-daemon") || local.hasPrefix("postmaster")
    }

    /// An address a bounce names that is no recipient: a daemon's, a bounce handler's, a no-reply.
    static func isSystem(_ address: String) -> Bool {
        let local = address.split(separator: "@").first.map(String.init) ?? ""
        return isDaemon(address) || local.hasPrefix("bounce") || local == "root" || local == "noreply" || local == "no-reply"
    }

    /// Every `local@domain` in `text`, lower-cased, in order (brackets, quotes and trailing
    /// punctuation trimmed; a domain needs a dot).
    package static func addresses(in text: String) -> [String] {
        var out: [String] = []
        let allowedLocal = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "._%+-=!#$&'*/?^`{|}~"))
        let allowedDomain = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: ".-"))
        let scalars = Array(text.unicodeScalars)
        var i = 0
        while i < scalars.count {
            guard scalars[i] == "@" else { i += 1; continue }
            var start = i
            while start > 0, allowedLocal.contains(scalars[start - 1]), scalars[start - 1].isASCII { start -= 1 }
            var end = i + 1
            while end < scalars.count, allowedDomain.contains(scalars[end]), scalars[end].isASCII, !(scalars[end] == "." && end + 1 < scalars.count && scalars[end + 1] == ".") {
                end += 1
            }
            var local = String(String.UnicodeScalarView(scalars[start..<i]))
            // Exchange writes `SMTP=user@host` and `smtp:user@host`.
            for prefix in ["smtp=", "smtp:", "rfc822;", "rfc822="] where local.lowercased().hasPrefix(prefix) { local.removeFirst(prefix.count) }
            var domain = String(String.UnicodeScalarView(scalars[(i + 1)..<end]))
            while local.hasPrefix(".") || local.hasPrefix("'") || local.hasPrefix("=") { local.removeFirst() }
            while domain.hasSuffix(".") || domain.hasSuffix("-") { domain.removeLast() }
            if !local.isEmpty, domain.contains("."), domain.first != ".", let last = domain.split(separator: ".").last, last.count >= 2,
                last.allSatisfy({ $0.isLetter })
            {
                let address = (local + "@" + domain).lowercased()
                if !out.contains(address) { out.append(address) }
            }
            i = end
        }
        return out
    }
}
