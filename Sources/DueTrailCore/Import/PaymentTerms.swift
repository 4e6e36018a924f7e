import Foundation

/// Payment terms as exports and people write them (`Net 30`, `30 days`, `Due on Receipt`,
/// `14 Tage netto`, `30 jours fin de mois`, `Lb. md. 14 dage`, a bare `30`), turned into a
/// due date from the issue date. Text it cannot read for certain is refused, never guessed.
package struct PaymentTerms: Sendable, Equatable, CustomStringConvertible {
    package enum Rule: Sendable, Equatable {
        /// N days after the issue date (0: due on receipt).
        case days(Int)
        /// N days after the end of the issue month (`Net 30 EOM`, `30 Tage ab Monatsende`, `Lb. md. 30 dage`).
        case endOfMonthThenDays(Int)
        /// The end of the month N days after the issue date: how `30 jours fin de mois`,
        /// `30 días fin de mes` and `30 giorni fine mese` are counted.
        case daysThenEndOfMonth(Int)
    }

    package let rule: Rule
    /// As written.
    package let text: String

    package init(rule: Rule, text: String) {
        self.rule = rule
        self.text = text
    }

    package func due(issued: CalendarDate) -> CalendarDate {
        switch rule {
        case .days(let n): return issued.adding(days: n)
        case .endOfMonthThenDays(let n): return Self.endOfMonth(issued).adding(days: n)
        case .daysThenEndOfMonth(let n): return Self.endOfMonth(issued.adding(days: n))
        }
    }

    static func endOfMonth(_ d: CalendarDate) -> CalendarDate {
        let (y, m, day) = d.parts
        return d.adding(days: CalendarDate.daysInMonth(year: y, month: m) - day)
    }

    /// In plain words: `30 days`, `due on receipt`, `end of month + 30 days`, `30 days, then to the end of that month`.
    package var description: String {
        switch rule {
        case .days(0): return "due on receipt"
        case .days(let n): return "\(n) day\(n == 1 ? "" : "s")"
        case .endOfMonthThenDays(0): return "end of the month"
        case .endOfMonthThenDays(let n): return "end of month + \(Plural.days(n))"
        case .daysThenEndOfMonth(let n): return "\(Plural.days(n)), then to the end of that month"
        }
    }

    static let immediate = [
        "due on receipt", "due upon receipt", "upon receipt", "on receipt", "receipt", "payable on receipt", "due immediately", "immediate",
        "immediately", "cod", "c o d", "cash", "cash on delivery", "prompt", "sofort", "zahlbar sofort", "sofort zahlbar", "sofort nach erhalt",
        "bei erhalt", "sofort ohne abzug", "zahlbar sofort ohne abzug", "sofort netto", "netto kasse", "a reception", "a reception de facture",
        "paiement a reception", "a reception de la facture", "comptant", "au comptant", "paiement comptant", "al contado", "contado",
        "a la vista", "pago al contado", "vista fattura", "a vista fattura", "rimessa diretta", "bij ontvangst", "direct", "per direct",
        "a pronto", "pronto pagamento", "a vista", "kontant", "netto kontant", "heti", "kontant ved levering",
    ]
    static let netWords: Set<String> = ["net", "netto", "n", "neto"]
    static let dayWords: Set<String> = [
        "days", "day", "d", "tage", "tagen", "tag", "jours", "jour", "j", "dias", "dia", "giorni", "gg", "dagen", "dag", "dagar", "dage", "dager",
        "paivaa", "pv", "pvaa",
    ]
    /// Words that say nothing about the count (`within`, `after invoice date`, `zahlbar innerhalb von`).
    static let filler: Set<String> = [
        "within", "in", "after", "invoice", "date", "from", "of", "the", "payment", "payable", "due", "pay", "upon", "on", "terms",
        "zahlbar", "innerhalb", "von", "nach", "rechnungsdatum", "rechnungseingang", "ab", "ohne", "abzug", "skonto", "zahlungsziel", "bis",
        "reglement", "a", "paiement", "de", "facture", "date", "sans", "escompte", "delai", "la",
        "pago", "plazo", "fecha", "factura", "a", "pagamento", "data", "df", "dff", "dalla", "da", "entro",
        "binnen", "na", "factuurdatum", "betaling", "betalingstermijn",
        "betalning", "inom", "fakturadatum", "betalingsfrist", "innen", "maksuaika", "discount", "bei", "zahlung", "if", "paid", "within",
    ]
    /// End of month, counted before the days: `EOM`, `end of month`, `ab Monatsende`, `Lb. md.`.
    static let monthEndFirst = ["eom", "end of month", "end of the month", "monatsende", "ende des monats", "einde van de maand", "einde maand",
        "lb md", "lobende maned", "lopande manad", "kuun loppu", "kuun lopusta"]
    /// End of month, counted after the days: `30 jours fin de mois`.
    static let monthEndAfter = ["fin de mois", "fin de mes", "fine mese", "fim de mes", "fim do mes", "fm", "dffm", "ffm"]

    /// Reads `text`; nil when it does not say for certain how many days.
    package init?(_ text: String) {
        let raw = text.trimmingCharacters(in: .whitespaces)
        guard !raw.isEmpty else { return nil }
        var key = StatusVocabulary.key(raw).lowercased()
        if Self.immediate.contains(key) || Self.immediate.contains(key.replacingOccurrences(of: ".", with: "")) {
            self.init(rule: .days(0), text: raw)
            return
        }
        // Which end-of-month rule, if any; its words leave the text.
        var spaced = " " + Self.tokens(key.replacingOccurrences(of: ".", with: "")).joined(separator: " ") + " "
        var rule: ((Int) -> Rule)?
        for phrase in Self.monthEndAfter where spaced.contains(" \(phrase) ") {
            rule = Rule.daysThenEndOfMonth
            spaced = spaced.replacingOccurrences(of: " \(phrase) ", with: " ")
        }
        for phrase in Self.monthEndFirst where spaced.contains(" \(phrase) ") {
            rule = Rule.endOfMonthThenDays
            spaced = spaced.replacingOccurrences(of: " \(phrase) ", with: " ")
        }
        key = spaced
        let tokens = Self.tokens(key)
        func isNet(_ i: Int) -> Bool { i >= 0 && i < tokens.count && Self.netWords.contains(tokens[i]) }
        func isDay(_ i: Int) -> Bool { i >= 0 && i < tokens.count && Self.dayWords.contains(tokens[i]) }
        func isNumber(_ i: Int) -> Bool { i >= 0 && i < tokens.count && Int(tokens[i]) != nil }
        // Discounts are not the net days: `2%` itself, and the window it is given for
        // (`14 Tage 2% Skonto`, `1% 10 Net 30`, the `2/10` of `2/10 net 30`).
        var discount = Set<Int>()
        var hasDiscount = false
        for (i, t) in tokens.enumerated() {
            if t == "/" { discount.formUnion([i - 1, i + 1]); hasDiscount = true }
            guard t == "%" else { continue }
            hasDiscount = true
            discount.insert(i - 1)
            if let before = [i - 3, i - 2].first(where: { isNumber($0) && !discount.contains($0) }) {
                discount.insert(before)
            } else if let after = (i + 1..<min(tokens.count, i + 7)).first(where: { isNumber($0) && !isNet($0 - 1) }) {
                discount.insert(after)
            }
        }
        var numbers: [(value: Int, at: Int)] = []
        for (i, t) in tokens.enumerated() where !discount.contains(i) {
            if let n = Int(t), n >= 0, n <= 366 { numbers.append((n, i)) } else if t.allSatisfy(\.isNumber) { return nil }
        }
        // Anything else must be a word that says nothing about the count.
        for (i, t) in tokens.enumerated() where !discount.contains(i) && Int(t) == nil {
            if t == "%" || t == "/" || t == "+" { continue }
            if Self.netWords.contains(t) || Self.dayWords.contains(t) || Self.filler.contains(t) { continue }
            return nil
        }
        let after = numbers.filter { isNet($0.at - 1) }
        let before = numbers.filter { isNet($0.at + 1) || (isDay($0.at + 1) && isNet($0.at + 2)) }
        let chosen: (value: Int, at: Int)?
        if after.count == 1 {
            chosen = after[0]
        } else if after.isEmpty && before.count == 1 {
            chosen = before[0]
        } else if after.isEmpty && before.isEmpty && !hasDiscount && numbers.count == 1 {
            chosen = numbers[0]
        } else {
            chosen = nil
        }
        if let chosen {
            // Another count beside the net one (`Net 30 EOM + 15`) is not something to drop.
            guard numbers.count == 1 || numbers.allSatisfy({ $0.at == chosen.at }) else { return nil }
            self.init(rule: rule.map { $0(chosen.value) } ?? .days(chosen.value), text: raw)
        } else if numbers.isEmpty, !hasDiscount, let rule {
            self.init(rule: rule(0), text: raw)  // `EOM` alone
        } else {
            return nil
        }
    }

    /// Words and numbers apart (`net30` → `net 30`, `30d` → `30 d`); `%`, `/` and `+` kept as tokens.
    static func tokens(_ key: String) -> [String] {
        var out: [String] = []
        var current = ""
        var currentIsDigit = false
        func flush() {
            if !current.isEmpty { out.append(current) }
            current = ""
        }
        for c in key {
            if c.isLetter || c.isNumber {
                let digit = c.isNumber
                if !current.isEmpty && digit != currentIsDigit { flush() }
                current.append(c)
                currentIsDigit = digit
            } else {
                flush()
                if c == "%" || c == "/" || c == "+" { out.append(String(c)) }
            }
        }
        flush()
        return out
    }
}
