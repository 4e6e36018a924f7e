import Foundation

/// The line (or lines) a mail program writes above the message it quotes, in the languages
/// customers write in: "On Mon, 30 Nov 2026, Ana wrote:" and its translations (also wrapped
/// over two or three lines), `-----Original Message-----` and its translations, forwarded
/// message markers, and the header blocks Outlook and Gmail write (`From:` / `Sent:` / `To:` /
/// `Subject:`, `Von:` / `Gesendet:`, `De:` / `Envoyé:`, `*From:*` after a line of dashes).
/// Written by hand: no listed package strips quoted mail.
enum QuoteHeader {
    /// How many lines the header starting at `i` takes, or nil when none starts there.
    static func at(_ i: Int, in lines: [String]) -> Int? {
        let line = clean(lines[i])
        if line.isEmpty { return nil }
        if isSeparator(line) { return 1 }
        // "On … wrote:" on this line, or wrapped over the next one or two.
        var joined = ""
        for n in 0..<3 where i + n < lines.count {
            let part = clean(lines[i + n])
            if n > 0 && part.isEmpty { break }
            joined += (n > 0 ? " " : "") + part
            if n == 0 && !startsAttribution(joined) && !endsAttribution(joined) && !joined.containsAny(attributionVerbs)
                && !joined.contains(where: \.isNumber)
            {
                break
            }
            if endsAttribution(joined) && (startsAttribution(joined) || joined.count < 300 && (joined.contains("@") || joined.contains(where: \.isNumber))) {
                return n + 1
            }
            // "Am 30.11.2026 um 09:00 schrieb Ana <a@b>:" — the verb before the name (German,
            // Dutch, the Nordic languages): a dated line with the verb, ending in a colon.
            if joined.hasSuffix(":"), joined.count < 300, joined.contains(where: \.isNumber),
                joined.containsAny(attributionVerbs)
            {
                return n + 1
            }
        }
        if fromLabels.contains(where: { line.hasPrefix($0) }) {
            // A header block: a sender label followed within a few lines by a date, recipient or subject label.
            for n in 1..<6 where i + n < lines.count {
                let next = clean(lines[i + n])
                if blockLabels.contains(where: { next.hasPrefix($0) }) { return 1 }
            }
        }
        return nil
    }

    /// Lower-cased, trimmed, Gmail's `*bold*` labels and a leading `>` removed.
    static func clean(_ raw: String) -> String {
        var line = raw.trimmingCharacters(in: .whitespaces).lowercased()
        line.removeAll { $0 == "*" }
        // French puts a space before the colon: `De : …`, `a écrit :`.
        while let r = line.firstRange(of: " :") { line.replaceSubrange(r, with: ":") }
        return line
    }

    static let separatorWords = [
        "original message", "original-nachricht", "ursprüngliche nachricht", "message d'origine", "message original", "mensaje original",
        "messaggio originale", "oorspronkelijk bericht", "origineel bericht", "originalmeddelande", "ursprungligt meddelande",
        "oprindelig meddelelse", "original meddelelse", "opprinnelig melding", "opprinnelig e-post", "wiadomość oryginalna",
        "oryginalna wiadomość", "исходное сообщение", "пересылаемое сообщение", "mensagem original", "alkuperäinen viesti",
        "forwarded message", "weitergeleitete nachricht", "message transféré", "mensaje reenviado", "messaggio inoltrato",
        "doorgestuurd bericht", "videresendt melding", "vidarebefordrat meddelande", "元のメッセージ", "原始邮件",
    ]

    /// `-----Original Message-----`, `----- Ursprüngliche Nachricht -----`, Outlook's rule of underscores.
    static func isSeparator(_ line: String) -> Bool {
        if line.count >= 20 && line.allSatisfy({ $0 == "_" }) { return true }
        guard line.hasPrefix("-") || line.hasPrefix("—") || line.hasPrefix("=") else { return false }
        let words = line.trimmingCharacters(in: CharacterSet(charactersIn: "-—= "))
        return separatorWords.contains { words == $0 || words.hasPrefix($0) && words.count <= $0.count + 2 }
    }

    static let attributionStarts = [
        "on ", "am ", "le ", "el ", "il ", "op ", "den ", "d. ", "på ", "em ", "w dniu ", "dnia ", "в ", "sent from ", "ma, ", "di, ",
        "mån ", "tis ", "ons ", "tors ", "fre ", "lør ", "søn ", "20", "19",
    ]
    static let attributionEnds = [
        "wrote:", "writes:", "schrieb:", "schrieb", "a écrit :", "a écrit:", "a écrit", "escribió:", "escribio:", "ha scritto:", "scrisse:",
        "schreef:", "skrev:", "skrev", "napisał:", "napisał(a):", "napisała:", "написал:", "написал(а):", "написала:", "escreveu:",
        "kirjoitti:", "rašė:", "rakstīja:", "kirjutas:", "書きました:", "のメッセージ:", "写道：", "写道:",
    ]

    static let attributionVerbs = [" schrieb ", " schreef ", " skrev ", " napisał ", " napisała ", " kirjoitti ", " wrote ", " escribió ", " ha scritto "]

    static func startsAttribution(_ text: String) -> Bool { attributionStarts.contains { text.hasPrefix($0) } }
    static func endsAttribution(_ text: String) -> Bool { attributionEnds.contains { text.hasSuffix($0) } }

    static let fromLabels = ["from:", "von:", "van:", "de:", "da:", "fra:", "från:", "od:", "от:", "lähettäjä:", "feladó:", "差出人:", "发件人:", "remetente:"]
    static let blockLabels = [
        "sent:", "date:", "to:", "subject:", "gesendet:", "datum:", "an:", "betreff:", "verzonden:", "aan:", "onderwerp:", "envoyé:",
        "à :", "à:", "objet :", "objet:", "enviado:", "fecha:", "para:", "asunto:", "inviato:", "data:", "a:", "oggetto:", "sendt:",
        "til:", "emne:", "skickat:", "till:", "ämne:", "wysłano:", "do:", "temat:", "отправлено:", "кому:", "тема:", "dátum:",
        "lähetetty:", "vastaanottaja:", "aihe:", "cc:", "assunto:", "送信日時:", "件名:", "发送时间:", "主题:",
    ]
}
