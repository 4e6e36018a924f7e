import Foundation

/// The header words of generic sheets, per field and language, as accounting software and
/// people write them (sources: vendors' exports, and the column labels of Invoice Ninja,
/// Akaunting and Dolibarr in each language; see the README). Written in their natural form
/// and normalised once, so `Fällig am`, `FÄLLIG AM` and `fallig am` read alike.
enum HeaderNames {
    /// A language's names for each field, in preference order (earlier names win when a
    /// sheet has two candidate columns for one field).
    struct Language: Sendable {
        let name: String
        let fields: [InvoiceField: [String]]
    }

    static let languages: [Language] = [
        Language(name: "English", fields: [
            .number: ["Invoice Number", "Invoice No", "Invoice No.", "Invoice #", "Invoice Nr", "Invoice Num", "Invoice", "Number", "No", "No.", "Nr", "Num",
                "Doc Number", "Document Number", "Document No", "Invoice ID", "Bill Number"],
            .customer: ["Customer", "Customer Name", "Client", "Client Name", "Company", "Company Name", "Debtor", "Account Name", "Bill To", "Name"],
            .email: ["Email", "E-mail", "Email Address", "E-mail Address", "Customer Email", "Client Email", "Contact Email", "Billing Email", "Mail"],
            .contact: ["Contact", "Contact Name", "Contact Person", "Attention", "Attn"],
            .issued: ["Issued", "Issue Date", "Invoice Date", "Date Issued", "Document Date", "Date", "Dated", "Posting Date", "Invoiced"],
            .due: ["Due Date", "Due", "Due On", "Date Due", "Payment Due", "Payment Due Date"],
            .terms: ["Terms", "Payment Terms", "Term", "Terms of Payment", "Credit Terms"],
            .total: ["Total", "Amount", "Invoice Total", "Invoice Amount", "Total Amount", "Grand Total", "Gross", "Gross Amount", "Amount Incl Tax", "Total Incl Tax"],
            .paid: ["Paid", "Amount Paid", "Paid Amount", "Paid to Date", "Payments", "Received", "Amount Received", "Total Paid"],
            .balance: ["Balance", "Open Balance", "Amount Due", "Balance Due", "Outstanding", "Amount Outstanding", "Outstanding Amount", "Open Amount",
                "Open", "Remaining", "Amount Remaining", "Due Amount", "Unpaid", "Unpaid Amount", "Left to Pay"],
            .line: ["Line Total", "Line Amount", "Item Total", "Line Gross", "Item Amount"],
            .currency: ["Currency", "Currency Code", "Cur", "Ccy", "Curr"],
            .status: ["Status", "Invoice Status"],
            .type: ["Type", "Document Type", "Doc Type", "Transaction Type", "Kind"],
        ]),
        Language(name: "German", fields: [
            .number: ["Rechnungsnummer", "Rechnungsnr.", "Rechnungs-Nr.", "Rechnungs Nr.", "Re-Nr.", "RE-Nr", "Belegnummer", "Belegnr.", "Beleg-Nr.", "Nummer", "Nr."],
            .customer: ["Kunde", "Kundenname", "Kunde Name", "Debitor", "Debitorname", "Rechnungsempfänger", "Empfänger", "Firma", "Firmenname"],
            .email: ["E-Mail", "E-Mail-Adresse", "Email-Adresse", "Mail"],
            .contact: ["Ansprechpartner", "Kontakt", "Kontaktperson"],
            .issued: ["Rechnungsdatum", "Belegdatum", "Ausgestellt am", "Ausstellungsdatum", "Datum"],
            .due: ["Fällig am", "Fälligkeit", "Fälligkeitsdatum", "Fällig", "Fällig bis", "Zahlbar bis", "Zahlungsfrist"],
            .terms: ["Zahlungsbedingungen", "Zahlungsbedingung", "Zahlungskonditionen", "Zahlungsziel"],
            .total: ["Rechnungsbetrag", "Betrag", "Gesamtbetrag", "Gesamt", "Brutto", "Bruttobetrag", "Betrag brutto", "Rechnungsbetrag brutto", "Summe", "Summe brutto", "Sollbetrag"],
            .paid: ["Bezahlt", "Gezahlt", "Bereits bezahlt", "Bereits gezahlt", "Zahlungseingang", "Zahlungseingänge", "Habenbetrag"],
            .balance: ["Offen", "Offener Betrag", "Offener Posten", "Restbetrag", "Saldo", "Ausstehend", "Noch offen", "Offener Zahlbetrag", "OP-Betrag", "Fälliger Betrag", "Rest"],
            .line: ["Positionsbetrag", "Zeilenbetrag", "Positionssumme"],
            .currency: ["Währung", "WKZ", "Währungscode"],
            .status: ["Status", "Rechnungsstatus", "Zustand"],
            .type: ["Belegart", "Belegtyp", "Typ", "Art", "Dokumenttyp", "Rechnungsart"],
        ]),
        Language(name: "French", fields: [
            .number: ["Numéro de facture", "N° de facture", "N° facture", "Nº facture", "No facture", "Num facture", "Réf facture", "Ref. facture",
                "Référence facture", "Numéro", "N°", "N° pièce", "Pièce"],
            .customer: ["Client", "Nom du client", "Nom client", "Raison sociale", "Tiers", "Société"],
            .email: ["Courriel", "E-mail", "Adresse e-mail", "Adresse électronique", "Mél"],
            .contact: ["Interlocuteur", "Personne de contact"],
            .issued: ["Date de facture", "Date de facturation", "Date facture", "Date d'émission", "Date de la facture", "Date"],
            .due: ["Échéance", "Date d'échéance", "Date échéance", "Date limite de paiement", "Date limite règlement", "Date limite de règlement"],
            .terms: ["Conditions de paiement", "Conditions de règlement", "Conditions règlement", "Délai de paiement"],
            .total: ["Montant TTC", "Total TTC", "Montant total", "Montant", "Total", "Total global", "Net à payer"],
            .paid: ["Payé", "Montant payé", "Réglé", "Montant réglé", "Déjà réglé", "Payé à ce jour", "Encaissé"],
            .balance: ["Reste à payer", "Restant dû", "Solde", "Solde dû", "Montant dû", "Reste dû", "Reste à encaisser", "Montant restant"],
            .currency: ["Devise", "Monnaie"],
            .status: ["Statut", "État", "Statut facture", "État de la facture"],
            .type: ["Type de document", "Type de pièce", "Type"],
        ]),
        Language(name: "Spanish", fields: [
            .number: ["Número de factura", "Nº factura", "Nº de factura", "N.º factura", "Factura Nº", "Num factura", "Ref. factura", "Número"],
            .customer: ["Cliente", "Nombre del cliente", "Nombre cliente", "Razón social"],
            .email: ["Correo electrónico", "Correo", "Email", "E-mail"],
            .contact: ["Persona de contacto", "Contacto"],
            .issued: ["Fecha de factura", "Fecha factura", "Fecha de emisión", "Fecha emisión", "Fecha expedición", "Fecha facturación", "Fecha"],
            .due: ["Vencimiento", "Fecha de vencimiento", "Fecha vencimiento", "Fecha límite de pago"],
            .terms: ["Condiciones de pago", "Términos de pago", "Plazo de pago"],
            .total: ["Total", "Importe", "Importe total", "Total factura", "Importe de la factura", "Total facturado"],
            .paid: ["Pagado", "Cobrado", "Importe cobrado", "Importe pagado", "Ya pagado"],
            .balance: ["Pendiente", "Importe pendiente", "Pendiente de cobro", "Queda por pagar", "Queda por cobrar", "Por cobrar", "Saldo"],
            .currency: ["Moneda", "Divisa"],
            .status: ["Estado", "Estado factura"],
            .type: ["Tipo de documento", "Tipo"],
        ]),
        Language(name: "Italian", fields: [
            .number: ["Numero fattura", "N. fattura", "Nr. fattura", "Num. fattura", "Fattura #", "Rif. fattura", "Numero documento", "Num. documento", "Numero"],
            .customer: ["Cliente", "Ragione sociale", "Denominazione", "Nome cliente"],
            .email: ["Indirizzo email", "Email", "E-mail"],
            .contact: ["Referente", "Persona di riferimento"],
            .issued: ["Data fattura", "Data di fatturazione", "Data documento", "Data emissione", "Data"],
            .due: ["Scadenza", "Data scadenza", "Data di scadenza", "Scadenza pagamento"],
            .terms: ["Condizioni di pagamento", "Termini di pagamento", "Termine di pagamento"],
            .total: ["Totale", "Importo", "Totale fattura", "Totale documento", "Importo totale", "Lordo"],
            .paid: ["Pagato", "Importo pagato", "Già pagato", "Incassato", "Pagato a oggi"],
            .balance: ["Residuo", "Importo residuo", "Da incassare", "Restante da pagare", "Saldo"],
            .currency: ["Valuta", "Divisa"],
            .status: ["Stato", "Stato fattura"],
            .type: ["Tipo documento", "Tipo"],
        ]),
        Language(name: "Dutch", fields: [
            .number: ["Factuurnummer", "Factuurnr.", "Factuurnr", "Factuur #", "Factuur nr", "Nummer"],
            .customer: ["Klant", "Klantnaam", "Relatie", "Debiteur", "Bedrijfsnaam"],
            .email: ["E-mail", "E-mailadres", "Emailadres"],
            .contact: ["Contactpersoon"],
            .issued: ["Factuurdatum", "Factuur datum", "Datum"],
            .due: ["Vervaldatum", "Vervaldag", "Te betalen voor", "Uiterste betaaldatum"],
            .terms: ["Betalingsvoorwaarden", "Betaalvoorwaarde", "Betalingstermijn", "Betaaltermijn"],
            .total: ["Totaal", "Bedrag", "Factuurbedrag", "Factuur totaal", "Totaal incl. btw", "Bedrag incl. btw", "Eindtotaal"],
            .paid: ["Betaald", "Betaald bedrag", "Ontvangen"],
            .balance: ["Openstaand", "Openstaand bedrag", "Restant", "Nog te betalen", "Restant te betalen", "Saldo"],
            .currency: ["Valuta"],
            .status: ["Status", "Factuurstatus"],
            .type: ["Soort", "Documenttype", "Type"],
        ]),
        Language(name: "Portuguese", fields: [
            .number: ["Número da fatura", "Número da factura", "Fatura nº", "Nº fatura", "Nº da fatura", "Nº documento", "Número do documento", "Número"],
            .customer: ["Cliente", "Nome do cliente", "Razão social"],
            .email: ["E-mail", "Email", "Correio eletrónico"],
            .contact: ["Contacto", "Contato"],
            .issued: ["Data da fatura", "Data de emissão", "Data do documento", "Data factura", "Data"],
            .due: ["Vencimento", "Data de vencimento", "Data vencimento", "Data limite de pagamento"],
            .terms: ["Condições de pagamento", "Condição de pagamento", "Prazo de pagamento"],
            .total: ["Total", "Valor", "Valor total", "Montante", "Total da fatura"],
            .paid: ["Pago", "Valor pago", "Recebido", "Já pago"],
            .balance: ["Em aberto", "Valor em aberto", "Saldo devedor", "Valor pendente", "Falta pagar", "Em dívida", "Saldo"],
            .currency: ["Moeda"],
            .status: ["Estado", "Situação", "Status"],
            .type: ["Tipo de documento", "Tipo"],
        ]),
        Language(name: "Swedish", fields: [
            .number: ["Fakturanummer", "Fakturanr", "Fakturanr.", "Faktura nr"],
            .customer: ["Kund", "Kundnamn"],
            .email: ["E-post", "E-postadress"],
            .contact: ["Kontaktperson", "Er referens"],
            .issued: ["Fakturadatum", "Datum"],
            .due: ["Förfallodatum", "Förfallodag", "Sista betalningsdatum", "Förfaller"],
            .terms: ["Betalningsvillkor"],
            .total: ["Totalt", "Summa", "Belopp", "Totalsumma", "Fakturabelopp", "Att betala"],
            .paid: ["Betalt", "Betald", "Inbetalt", "Betalt belopp"],
            .balance: ["Restbelopp", "Kvar att betala", "Återstår att betala", "Obetalt", "Resterande belopp", "Saldo"],
            .currency: ["Valuta"],
            .status: ["Status"],
            .type: ["Typ"],
        ]),
        Language(name: "Danish", fields: [
            .number: ["Fakturanummer", "Fakturanr.", "Faktura nr.", "Faktura nummer"],
            .customer: ["Kunde", "Kundenavn", "Debitor"],
            .email: ["E-mail"],
            .issued: ["Fakturadato", "Faktureringsdato", "Faktura dato", "Dato"],
            .due: ["Forfaldsdato", "Forfald", "Betalingsfrist"],
            .terms: ["Betalingsbetingelser", "Betalingsvilkår"],
            .total: ["Beløb", "I alt", "Fakturabeløb", "Total inkl. moms", "Beløb inkl. moms"],
            .paid: ["Betalt", "Indbetalt"],
            .balance: ["Restbeløb", "Udestående", "Udestående beløb", "Skyldigt beløb", "Saldo"],
            .currency: ["Valuta"],
            .status: ["Status"],
            .type: ["Type"],
        ]),
        Language(name: "Norwegian", fields: [
            .number: ["Fakturanummer", "Fakturanr.", "Fakturanr"],
            .customer: ["Kunde", "Kundenavn"],
            .email: ["E-post"],
            .issued: ["Fakturadato", "Faktureringsdato", "Dato"],
            .due: ["Forfallsdato", "Forfall"],
            .terms: ["Betalingsbetingelser", "Betalingsvilkår"],
            .total: ["Beløp", "Totalt", "Totalbeløp", "Sum", "Beløp inkl. mva"],
            .paid: ["Betalt", "Innbetalt"],
            .balance: ["Utestående", "Restbeløp", "Gjenstående", "Saldo"],
            .currency: ["Valuta"],
            .status: ["Status"],
            .type: ["Type"],
        ]),
        Language(name: "Finnish", fields: [
            .number: ["Laskun numero", "Laskunumero", "Laskun nro", "Laskunro"],
            .customer: ["Asiakas", "Asiakkaan nimi", "Asiakasnimi"],
            .email: ["Sähköposti"],
            .contact: ["Yhteyshenkilö"],
            .issued: ["Laskun päivämäärä", "Laskupäivä", "Päivämäärä"],
            .due: ["Eräpäivä", "Erääntymispäivä"],
            .terms: ["Maksuehdot", "Maksuehto"],
            .total: ["Summa", "Yhteensä", "Loppusumma", "Laskun summa"],
            .paid: ["Maksettu"],
            .balance: ["Avoin", "Avoinna", "Avoin summa", "Maksamatta", "Jäljellä"],
            .currency: ["Valuutta"],
            .status: ["Tila"],
            .type: ["Tyyppi"],
        ]),
    ]

    /// Short, general words (`No`, `Nr.`, `Number`, `Date`, `Name`) that a sheet may use for
    /// something else (a row counter, a date of entry): tried only after every language's
    /// specific names, so `Rechnungsnummer` wins over a `Nr.` column beside it.
    static let weak: Set<String> = [
        "no", "nr", "num", "number", "nummer", "numero", "n", "invoice", "name", "company", "firma", "date", "datum", "data", "fecha", "dato",
        "paivamaara", "dated",
    ]

    /// Every language's names for `field`, normalised and without repeats, English first, the
    /// weak ones last; each with the languages that use it (`Kunde` is German, Danish and Norwegian).
    static let byField: [InvoiceField: [(name: String, languages: [String])]] = {
        var out: [InvoiceField: [(String, [String])]] = [:]
        for field in InvoiceField.allCases {
            var position: [String: Int] = [:]
            var list: [(String, [String])] = []
            for language in languages {
                for name in language.fields[field] ?? [] {
                    let n = ExportFormat.normalise(name)
                    guard !n.isEmpty else { continue }
                    if let i = position[n] {
                        if !list[i].1.contains(language.name) { list[i].1.append(language.name) }
                    } else {
                        position[n] = list.count
                        list.append((n, [language.name]))
                    }
                }
            }
            out[field] = list.filter { !weak.contains($0.0) } + list.filter { weak.contains($0.0) }
        }
        return out
    }()

    /// Words that mark a column as holding email addresses or contacts (left unused: a warning).
    static let emailHints = ["email", "mail", "courriel", "correo", "epost", "sahkoposti"]
    static let contactHints = ["contact", "kontakt", "ansprechpartner", "referente"]
}
