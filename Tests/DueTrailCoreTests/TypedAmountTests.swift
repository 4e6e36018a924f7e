import DueTrailCore
import Foundation
import Testing

/// Amounts a person types (`pay --amount`, `promise --amount`, `resolve --credit`, the portal),
/// read by the ledger's `number_format`: one meaning, or a refusal that names both readings.
@Suite struct TypedAmountTests {
    let eur = Currency(code: "EUR")!
    let german = NumberFormat(pattern: "1.234,56")!
    let english = NumberFormat(pattern: "1,234.56")!
    let french = NumberFormat(pattern: "1 234,56")!
    let swiss = NumberFormat(pattern: "1'234.56")!

    func read(_ text: String, _ format: NumberFormat, _ currency: String = "EUR") -> String {
        do {
            return try TypedAmount.parse(text, currency: Currency(code: currency)!, format: format).description
        } catch {
            return "error: " + error.message
        }
    }

    @Test(arguments: [
        // What a person in each country types, and what is recorded.
        ("12,50", "12.50 EUR"), ("12.50", "12.50 EUR"), ("1.500,00", "1500.00 EUR"), ("1,500.00", "1500.00 EUR"),
        ("1.234.567,89", "1234567.89 EUR"), ("1,234,567.89", "1234567.89 EUR"), ("1500", "1500.00 EUR"),
        ("0,50", "0.50 EUR"), (",5", "0.50 EUR"), ("1234,567", "error: `1234,567` has more decimal places than EUR has (2)"),
        ("0,500", "error: `0,500` has more decimal places than EUR has (2)"), ("12 50", "error: `12 50` is not an amount; write it like 1234.50"),
        ("1'5", "error: `1'5` is not an amount; write it like 1234.50"), ("abc", "error: `abc` is not an amount; write it like 1234.50"),
        ("EUR 12,50", "12.50 EUR"), ("12,50 €", "12.50 EUR"), ("€1.500,00", "1500.00 EUR"), ("1 234,56", "1234.56 EUR"),
        ("1\u{202F}234,56", "1234.56 EUR"), ("1\u{00A0}234,56", "1234.56 EUR"), ("1'234.56", "1234.56 EUR"), ("+20", "20.00 EUR"),
        ("12.500", "12500.00 EUR"),  // `.` groups thousands in a 1.234,56 ledger
    ])
    func readsEachUnambiguousForm(text: String, recorded: String) {
        #expect(read(text, german) == recorded)
    }

    @Test func anAmountThatReadsTwoWaysIsRefusedNamingBoth() {
        #expect(read("1,500", german) == "error: `1,500` reads two ways: EUR 1,500.00 (`,` separating thousands) or EUR 1.50 (`,` as the decimal mark); type 1500,00 or 1,50")
        #expect(read("1.500", english) == "error: `1.500` reads two ways: EUR 1,500.00 (`.` separating thousands) or EUR 1.50 (`.` as the decimal mark); type 1500.00 or 1.50")
        // Where the mark is the ledger's thousands separator, it is one.
        #expect(read("1,500", english) == "1500.00 EUR")
        #expect(read("1.500", german) == "1500.00 EUR")
        // A mark that is neither of the ledger's (`.` in a `1 234,56` ledger) is refused too.
        #expect(read("1.500", french).hasPrefix("error: `1.500` reads two ways"))
        #expect(read("1,500", swiss).hasPrefix("error: `1,500` reads two ways"))
    }

    @Test func zeroNegativeAndNonsenseGetTheirOwnMessages() {
        #expect(read("0", german) == "error: the amount must be more than zero, not `0`")
        #expect(read("-12,50", german) == "error: the amount must be more than zero, not `-12,50`")
        #expect(read("(400.00)", english) == "error: the amount must be more than zero, not `(400.00)`")
        #expect(read("", german) == "error: an amount is needed, like 120.50")
        #expect(read("twelve", german) == "error: `twelve` is not an amount; write it like 1234.50")
        #expect(read("1,23.45", english) == "error: `1,23.45` is not an amount; write it like 1234.50")
        #expect(read("100 USD", german) == "error: `100 USD` is in USD, but the case is in EUR")
        // A mark that can only be a thousands separator but is this ledger's decimal mark.
        #expect(read("1,234", german) == "error: `1,234`: `,` is the decimal mark here (number_format 1.234,56), but EUR has 2 decimal places; for EUR 1,234.00 type 1234")
        #expect(read("12.345", english, "JPY").hasPrefix("error: `12.345`: `.` is the decimal mark here"))
        #expect(read("1000,000", english) == "error: `1000,000` is not an amount; write it like 1234.50")
        // `kr` and `$` name the case's own crown or dollar.
        #expect(read("500 kr", german, "DKK") == "500.00 DKK" && read("$50", english, "CAD") == "50.00 CAD")
        #expect(read("$50", english, "KWD") == "error: `$50` is in USD, but the case is in KWD")
    }

    @Test func theDefaultFormatIsTheCurrencysUsualOne() {
        #expect(NumberFormat.usual(for: eur).description == "1.234,56")
        #expect(NumberFormat.usual(for: Currency(code: "USD")!).description == "1,234.56")
        #expect(NumberFormat.usual(for: Currency(code: "SEK")!).description == "1 234,56")
        #expect(NumberFormat.usual(for: Currency(code: "CHF")!).description == "1'234.56")
        #expect(NumberFormat(pattern: "1;234") == nil)
        let config = try? LedgerConfig.parse("company: X\nsender:\n  name: A\n  email: a@x.example\ncurrency: EUR\ntimezone: UTC\nnumber_format: 1,234.56\n")
        #expect(config?.amountFormat == english)
        do {
            _ = try LedgerConfig.parse("company: X\nsender:\n  name: A\n  email: a@x.example\ncurrency: EUR\ntimezone: UTC\nnumber_format: 1;234\n")
            Issue.record("a bad number_format was accepted")
        } catch {
            #expect(error.line == 7 && error.message.contains("`number_format` must be one of 1,234.56, 1.234,56"))
        }
    }
}
