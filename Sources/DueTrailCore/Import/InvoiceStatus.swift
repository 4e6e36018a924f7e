import Foundation

/// What a status word in an export means for collections.
package enum StatusClass: String, Sendable, CaseIterable {
    /// Not yet sent to the customer: never chased, never opened.
    case draft
    /// Sent and (possibly partly) unpaid: chased while a balance is left.
    case open
    /// Settled: closes an existing case with its balance at zero.
    case paid
    /// Cancelled, written off: closes an existing case without a payment.
    case void
    /// A credit note: not a debt.
    case credit
}

/// One vocabulary of status words across vendors and languages, so a `Draft` from Zoho, an
/// `unsent` from Invoice2go and an `Entwurf` from a German sheet are all never chased. A word
/// it does not know stops the import instead of being guessed (`--status open="…"` says).
package enum StatusVocabulary {
    static let words: [StatusClass: [String]] = [
        .draft: [
            "draft", "unsent", "not sent", "saved", "pending approval", "awaiting approval", "submitted", "created", "proforma", "pro forma",
            "entwurf", "nicht versendet", "brouillon", "borrador", "bozza", "concept", "rascunho", "utkast", "kladde", "kladd", "luonnos",
        ],
        .open: [
            "sent", "viewed", "partial", "partially paid", "partly paid", "part paid", "partial deposit", "partial/deposit", "deposit partial",
            "overdue", "past due", "awaiting payment", "open", "due", "unpaid", "outstanding", "authorised", "authorized", "approved", "issued",
            "deposit paid", "overdue by", "due today", "due soon",
            "disputed", "retry", "failed", "declined", "resolved", "reminded", "sent reminder", "late",
            "offen", "unbezahlt", "nicht bezahlt", "uberfallig", "verspatet", "gesendet", "versendet", "versandt", "teilweise", "teilweise bezahlt",
            "teilbezahlt", "bezahlt (teilweise)", "angemahnt", "gemahnt", "freigegeben", "gelesen", "angesehen",
            "envoye", "envoyee", "ouvert", "ouverte", "impaye", "impayee", "en retard", "echue", "echu", "partiel", "partielle", "payee partiellement",
            "partiellement payee", "payee (partiellement)", "validee", "validee (a payer)", "a payer", "relancee",
            "enviada", "enviado", "emitida", "emitido", "pendiente", "vencida", "vencido", "parcial", "pagada parcialmente", "parcialmente pagada",
            "impagada", "impagado", "no pagada",
            "inviata", "emessa", "scaduta", "parzialmente pagata", "parziale", "non pagata", "da pagare", "aperta", "da incassare",
            "verzonden", "verstuurd", "openstaand", "vervallen", "te laat", "gedeeltelijk betaald", "deels betaald", "onbetaald", "herinnerd",
            "em aberto", "pendente", "em atraso", "paga parcialmente", "pago parcialmente", "parcialmente paga", "nao paga", "nao pago",
            "skickad", "skickat", "obetald", "forfallen", "delvis betald", "delbetald", "delvis", "oppen",
            "sendt", "ubetalt", "aben", "forfalden", "overskredet", "delvist betalt", "delvist", "apen", "forfalt",
            "lahetetty", "avoin", "maksamatta", "erääntynyt", "eraantynyt", "osittain maksettu",
        ],
        .paid: [
            "paid", "paid in full", "fully paid", "closed", "settled", "autopaid", "auto paid", "auto-paid", "success", "succeeded", "deposited",
            "bezahlt", "beglichen", "erledigt", "ausgeglichen", "geschlossen",
            "paye", "payee", "reglee", "regle", "soldee", "solde", "fermee", "encaissee",
            "pagada", "pagado", "cobrada", "cobrado", "liquidada",
            "pagata", "saldata", "incassata", "pagato",
            "betaald", "voldaan", "gesloten",
            "paga", "pago", "liquidado", "recebida", "recebido",
            "betald", "slutbetald", "betalt", "maksettu",
        ],
        .void: [
            "void", "voided", "cancelled", "canceled", "written off", "write off", "written-off", "uncollectible", "bad debt", "deleted", "reversed", "credited",
            "storniert", "storno", "ungultig", "abgeschrieben", "aufgegeben", "annule", "annulee", "abandonnee", "irrecouvrable",
            "anulada", "anulado", "cancelada", "cancelado", "abandonada", "incobrable", "annullata", "stornata",
            "geannuleerd", "vervallen verklaard", "oninbaar", "gecrediteerd",
            "makulerad", "avbruten", "krediterad", "annulleret", "krediteret", "avbrutt", "annullert", "kreditert", "mitatoity", "peruttu",
        ],
        .credit: ["credit note", "credit memo"],
    ]

    static let lookup: [String: StatusClass] = {
        var out: [String: StatusClass] = [:]
        for (cls, list) in words {
            for w in list { out[key(w)] = cls }
        }
        return out
    }()

    /// Status words compared without case, accents, or runs of spaces, underscores and hyphens:
    /// `Partially_Paid`, `partially-paid` and `Partially Paid` are one word.
    package static func key(_ text: String) -> String {
        let folded = text.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil)
        var out = ""
        var pendingSpace = false
        for c in folded {
            if c == " " || c == "_" || c == "-" || c == "\t" || c == "\u{00A0}" {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out.append(" ") }
                pendingSpace = false
                out.append(c)
            }
        }
        return out
    }

    /// Words of a status that says part of the invoice was paid.
    static let partialWords = ["partial", "partly", "part paid", "teilweise", "teilbezahlt", "partiel", "parcial", "parzial", "gedeeltelijk", "deels",
        "delvis", "delbetald", "delvist", "osittain"]

    /// The class of `text` and whether it says partly paid, as an export's rows need both.
    static func reading(_ text: String, vendor: [String: StatusClass], overrides: [String: StatusClass]) -> (cls: StatusClass?, partial: Bool) {
        let k = key(text)
        return (classify(text, vendor: vendor, overrides: overrides), partialWords.contains { k.contains($0) })
    }

    /// The class of `text`: a person's `--status` first, then the vendor's own words, then
    /// the common vocabulary; nil when unknown. Words like `Overdue 12 days` (QuickBooks) or
    /// `16 days overdue` (Xero's aging) read by their word.
    package static func classify(_ text: String, vendor: [String: StatusClass] = [:], overrides: [String: StatusClass] = [:]) -> StatusClass? {
        let k = key(text)
        if let c = overrides[k] ?? vendor[k] ?? lookup[k] { return c }
        let words = k.split(separator: " ").filter { !$0.allSatisfy(\.isNumber) && $0 != "days" && $0 != "day" && $0 != "tage" && $0 != "jours" }
        let stripped = words.joined(separator: " ")
        if stripped != k, let c = overrides[stripped] ?? vendor[stripped] ?? lookup[stripped] { return c }
        if stripped.hasPrefix("due in") { return .open }
        return nil
    }
}

/// Whether a row's document is an invoice to chase, from its type column (`Type`,
/// `Transaction type`, `Voucher Type`, `Sale Status`…).
enum DocumentKind: Equatable, Sendable {
    case invoice
    case creditNote
    /// Another known kind of document (a payment, a journal entry, a quote, an order): skipped
    /// and named in the summary.
    case other(String)
    /// A value DueTrail does not know: the import stops rather than skip or chase it.
    case unknown(String)

    static let creditWords = [
        "credit", "credit note", "credit memo", "sales credit note", "cr note", "crn", "sc", "return", "refund", "refund receipt",
        "gutschrift", "rechnungskorrektur", "stornorechnung", "avoir", "facture avoir", "abono", "factura rectificativa", "nota de credito",
        "nota di credito", "creditnota", "creditfactuur", "kredietnota", "kreditnota", "kreditfaktura", "hyvityslasku",
    ]
    static let invoiceWords = [
        "invoice", "sales invoice", "tax invoice", "accrec", "inv", "si", "rechnung", "facture", "factura", "fattura", "factuur",
        "fatura", "faktura", "lasku", "debit note", "sale", "statement charge", "charge",
    ]
    /// Documents that are not debts to chase, as vendors name them.
    static let otherWords = [
        "payment", "payments", "receive payment", "payment entry", "customer payment", "sales receipt", "receipt", "sr", "sa", "sp",
        "journal entry", "journal", "general journal", "deposit", "overpayment", "sales overpayment", "prepayment", "sales prepayment",
        "estimate", "quote", "quotation", "order", "sales order", "bill", "expense", "check", "cheque", "credit card payment", "transfer",
        "delayed charge", "delayed credit", "statement", "zahlung", "zahlungseingang", "angebot", "auftrag", "paiement", "reglement", "devis",
        "commande", "pago", "cobro", "presupuesto", "pedido", "pagamento", "preventivo", "ordine", "betaling", "offerte", "bestelling",
        "orcamento", "encomenda", "betalning", "offert", "order", "indbetaling", "tilbud", "maksu", "tarjous", "tilaus",
    ]

    static func of(_ raw: String, format: ExportFormat) -> DocumentKind {
        let k = StatusVocabulary.key(raw)
        if k.isEmpty { return .invoice }
        if format == .myob {
            // `Sale Status`: O an order, Q a quote, anything else an invoice.
            return k == "o" ? .other("order") : k == "q" ? .other("quote") : .invoice
        }
        if creditWords.contains(k) || k.contains("credit note") || k.contains("credit memo") || k.contains("gutschrift") || k.contains("avoir") { return .creditNote }
        if invoiceWords.contains(k) || k.contains("invoice") || k.contains("rechnung") || k.contains("factur") || k.contains("fattura")
            || k.contains("factuur") || k.contains("faktura")
        {
            return .invoice
        }
        let name = raw.trimmingCharacters(in: .whitespaces)
        if otherWords.contains(k) || k.contains("payment") || k.contains("journal") || k.contains("overpayment") || k.contains("prepayment") {
            return .other(name)
        }
        return .unknown(name)
    }
}
