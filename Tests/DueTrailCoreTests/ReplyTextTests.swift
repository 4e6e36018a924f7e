import DueTrailCore
import Foundation
import Testing

/// The new text of a reply as mail programs write them in customers' languages: the quoted
/// reminder below it never reaches the case's summary.
@Suite struct ReplyTextTests {
    static let quoted: [(String, String)] = [
        ("English", "On Mon, 30 Nov 2026 at 09:00, Northwind Accounts <accounts@northwind-studio.example> wrote:"),
        ("English, wrapped", "On Mon, 30 Nov 2026 at 09:00, Northwind Studio Accounts\n<accounts@northwind-studio.example> wrote:"),
        ("English, three lines", "On Monday, November 30, 2026 at 9:00 AM,\nNorthwind Studio Accounts <accounts@northwind-studio.example>\nwrote:"),
        ("German", "Am 30.11.2026 um 09:00 schrieb Northwind Accounts <accounts@northwind-studio.example>:"),
        ("German, Thunderbird", "Am 30.11.26 um 09:00 schrieb Northwind Accounts:"),
        ("French", "Le lun. 30 nov. 2026 à 09:00, Northwind Accounts <accounts@northwind-studio.example> a écrit :"),
        ("Spanish", "El lun, 30 nov 2026 a las 9:00, Northwind Accounts (<accounts@northwind-studio.example>) escribió:"),
        ("Italian", "Il giorno lun 30 nov 2026 alle ore 09:00 Northwind Accounts <accounts@northwind-studio.example> ha scritto:"),
        ("Dutch", "Op ma 30 nov. 2026 om 09:00 schreef Northwind Accounts <accounts@northwind-studio.example>:"),
        ("Danish", "Den man. 30. nov. 2026 kl. 09.00 skrev Northwind Accounts <accounts@northwind-studio.example>:"),
        ("Swedish", "Den mån 30 nov. 2026 kl 09:00 skrev Northwind Accounts <accounts@northwind-studio.example>:"),
        ("Norwegian", "man. 30. nov. 2026 kl. 09:00 skrev Northwind Accounts <accounts@northwind-studio.example>:"),
        ("Polish", "W dniu 30.11.2026 o 09:00 Northwind Accounts <accounts@northwind-studio.example> napisał:"),
        ("Russian", "В пн, 30 нояб. 2026 г. в 09:00, Northwind Accounts <accounts@northwind-studio.example>:\nнаписал:"),
        ("Portuguese", "Em seg., 30 de nov. de 2026 às 09:00, Northwind Accounts <accounts@northwind-studio.example> escreveu:"),
        ("Japanese", "2026年11月30日(月) 9:00 Northwind Accounts <accounts@northwind-studio.example>:\n書きました:"),
        ("Outlook", "-----Original Message-----\nFrom: Northwind Accounts <accounts@northwind-studio.example>\nSent: Monday, November 30, 2026 9:00 AM"),
        ("Outlook, spaced", "----- Original Message -----\nFrom: Northwind Accounts"),
        ("Outlook, German", "-----Ursprüngliche Nachricht-----\nVon: Northwind Accounts <accounts@northwind-studio.example>\nGesendet: Montag, 30. November 2026 09:00"),
        ("Outlook block, German", "Von: Northwind Accounts <accounts@northwind-studio.example>\nGesendet: Montag, 30. November 2026 09:00\nAn: ap@acme-gmbh.example\nBetreff: INV-1093"),
        ("Outlook block, Dutch", "Van: Northwind Accounts <accounts@northwind-studio.example>\nVerzonden: maandag 30 november 2026 09:00\nAan: ap@acme.example"),
        ("Outlook block, French", "De : Northwind Accounts <accounts@northwind-studio.example>\nEnvoyé : lundi 30 novembre 2026 09:00\nÀ : ap@acme.example"),
        ("Outlook rule", "________________________________\nFrom: Northwind Accounts <accounts@northwind-studio.example>\nSent: Monday, November 30, 2026 9:00 AM"),
        ("Gmail rendering", "---------- Forwarded message ---------\n*From:* Northwind Accounts <accounts@northwind-studio.example>\n*Date:* Mon, 30 Nov 2026"),
    ]

    @Test(arguments: quoted.map(\.0))
    func theQuotedReminderIsLeftOut(style: String) throws {
        let header = try #require(Self.quoted.first { $0.0 == style }?.1)
        let text = "We paid INV-1093 today.\nRegards, Jonas\n\n\(header)\n\n> Dear Acme,\n> INV-1093 is overdue.\nDear Acme, INV-1093 for EUR 920.00 is overdue.\n"
        #expect(ReplyText.new(text) == "We paid INV-1093 today.\nRegards, Jonas", "\(style): \(ReplyText.new(text))")
    }

    @Test func aSignatureAndQuotedLinesAreLeftOutButNotWordsThatLookLikeLabels() {
        let text = "Date: we pay on Friday.\nFrom: our side all is clear.\n\n-- \nJonas Bauer\nAcme GmbH\n"
        #expect(ReplyText.new(text) == "Date: we pay on Friday.\nFrom: our side all is clear.")
        #expect(ReplyText.new("> quoted\nOnly this.\n") == "Only this.")
    }

    static let autoReplies: [(subject: String, text: String)] = [
        ("Automatic reply: INV-1093", "Thanks for your message."),
        ("Automatische Antwort: INV-1093", "Vielen Dank für Ihre Nachricht."),
        ("Abwesenheitsnotiz", "Ich bin bis zum 7. Dezember nicht im Büro."),
        ("Réponse automatique : INV-1093", "Merci pour votre message."),
        ("Respuesta automática: INV-1093", "Gracias."),
        ("Risposta automatica: INV-1093", "Grazie."),
        ("Automatisch antwoord: INV-1093", "Bedankt."),
        ("Resposta automática: INV-1093", "Obrigado."),
        ("Odpowiedź automatyczna: INV-1093", "Dziękuję."),
        ("Automatiskt svar: INV-1093", "Tack."),
        ("Autosvar: INV-1093", "Tak."),
        ("Automaattinen vastaus: INV-1093", "Kiitos."),
        ("Automātiskā atbilde: INV-1093", "Paldies."),
        ("Automatinis atsakymas: INV-1093", "Ačiū."),
        ("Re: INV-1093", "Je suis absente jusqu'au 7 décembre."),
        ("Re: INV-1093", "Ik ben afwezig tot 7 december."),
        ("Re: INV-1093", "I am out of the office until 7 December with limited access to email."),
    ]

    @Test(arguments: 0..<autoReplies.count)
    func automaticAnswersWithoutTheStandardHeadersAreAutoReplies(index: Int) throws {
        let (subject, text) = Self.autoReplies[index]
        let m = try MailMessage.parse(Array("From: ap@acme-gmbh.example\r\nSubject: \(subject)\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\(text)\r\n".utf8))
        #expect(m.isAutoReply, "\(subject) / \(text)")
    }

    @Test func aPersonsReplyIsNotAnAutoReply() throws {
        let m = try MailMessage.parse(Array("From: ap@acme-gmbh.example\r\nSubject: Re: INV-1093\r\n\r\nWe paid it this morning.\r\n".utf8))
        #expect(!m.isAutoReply && !m.isBounce)
        // Answering about a bounce is still a person's reply.
        let about = try MailMessage.parse(Array("From: ap@acme-gmbh.example\r\nSubject: Re: Undeliverable: INV-1093\r\n\r\nUse billing@acme-gmbh.example from now on.\r\n".utf8))
        #expect(!about.isBounce && about.failedRecipients.isEmpty && about.kindName == "reply")
    }
}
