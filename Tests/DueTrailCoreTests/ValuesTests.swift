import DueTrailCore
import Foundation
import Testing
import TestSupport
import Yams

@Suite struct CalendarDateTests {
    @Test func roundTripsAndRejectsImpossibleDays() {
        #expect(CalendarDate(iso: "2026-11-29")?.iso == "2026-11-29")
        #expect(CalendarDate(iso: "2024-02-29") != nil)
        #expect(CalendarDate(iso: "2027-02-29") == nil)
        #expect(CalendarDate(iso: "2026-04-31") == nil)
        #expect(CalendarDate(iso: "2026-13-01") == nil)
        #expect(CalendarDate(iso: "2026-1-01") == nil)
        #expect(CalendarDate(iso: "1970-01-01")?.daysSinceEpoch == 0)
        #expect(CalendarDate(iso: "2026-11-30")?.isoWeekday == 1)  // a Monday
        let d = CalendarDate(iso: "2026-12-30")!
        #expect(d.adding(days: 3).iso == "2027-01-02")
        #expect(CalendarDate(iso: "2026-09-09")!.days(to: CalendarDate(iso: "2026-11-30")!) == 82)
    }
}

@Suite struct MoneyTests {
    @Test func isDecimalNotBinaryFloatingPoint() {
        let a = Money(Decimals.parsePlain("0.10")!, Currency(code: "EUR")!)
        let b = Money(Decimals.parsePlain("0.20")!, Currency(code: "EUR")!)
        #expect(a.adding(b)?.plain == "0.30")
        #expect(a.adding(b)?.amount == Decimals.parsePlain("0.3"))
        #expect(a.adding(Money(1, Currency(code: "USD")!)) == nil)  // never adds across currencies
    }

    @Test func printsWithTheCurrencysDigits() {
        #expect(Money(Decimals.parsePlain("1234567.5")!, Currency(code: "eur")!).display == "EUR 1,234,567.50")
        #expect(Money(Decimals.parsePlain("1234")!, Currency(code: "JPY")!).plain == "1234")
        #expect(Money(Decimals.parsePlain("-12.345")!, Currency(code: "KWD")!).description == "-12.345 KWD")
        #expect(Money(ledgerText: "1200.00 EUR")?.plain == "1200.00")
        #expect(Money(ledgerText: "1200.00") == nil)
        #expect(Currency(code: "EURO") == nil)
    }

    @Test func minorUnitsAreExactOrAbsent() {
        #expect(Decimals.minorUnits("1234.50", scale: 2) == 123_450)
        #expect(Decimals.minorUnits("-0.01", scale: 2) == -1)
        #expect(Decimals.minorUnits("1234", scale: 0) == 1234)
        #expect(Decimals.minorUnits("1234.5", scale: 2) == nil)
        #expect(Decimals.minorUnits("99999999999999999999.00", scale: 2) == nil)  // would overflow
        #expect(Decimals.minorUnits("12a.00", scale: 2) == nil)
    }

    @Test func readsAmountsAsExportsWriteThem() {
        let point = AmountReader(decimalComma: false)
        let comma = AmountReader(decimalComma: true)
        #expect(point.parse("$1,234.56")?.0 == Decimals.parsePlain("1234.56"))
        #expect(point.parse("$1,234.56")?.1 == "USD")
        #expect(point.parse("(12.00)")?.0 == Decimals.parsePlain("-12"))
        #expect(point.parse("1200.00 EUR")?.1 == "EUR")
        #expect(comma.parse("1.234,56")?.0 == Decimals.parsePlain("1234.56"))
        #expect(comma.parse("1 234,56 €")?.0 == Decimals.parsePlain("1234.56"))
        #expect(point.parse("-")?.0 == 0)
        #expect(point.parse("twelve") == nil)
        #expect(AmountReader.inferDecimalComma(["12,50", "1.234,00"], delimiter: 44) == (true, false))
        #expect(AmountReader.inferDecimalComma(["1,234.50", "99.00"], delimiter: 59) == (false, false))
        #expect(AmountReader.inferDecimalComma(["12,50", "12.50"], delimiter: 44).conflict)
    }
}

@Suite struct SlugTests {
    @Test(arguments: [
        ("2026/118", "2026-118"), ("INV 7", "inv-7"), ("Ü-12", "u-12"), ("../../x", "x"), ("Straße 5", "strasse-5"),
        ("  --Acme GmbH--  ", "acme-gmbh"),
    ])
    func makesSafeFileNames(input: String, expected: String) {
        #expect(Slug.make(input) == expected)
        #expect(Slug.isValid(expected))
    }

    @Test func neverProducesAPathAndSeparatesLookAlikes() {
        #expect(Slug.make("///") == nil)
        #expect(Slug.make("..") == nil)
        let taken: Set<String> = ["inv-7"]
        let second = Slug.unique(for: "inv 7", fallbackPrefix: "invoice") { taken.contains($0) }
        #expect(second.hasPrefix("inv-7-") && second != "inv-7")
        // The same text always gets the same slug, whatever order rows come in.
        #expect(second == Slug.unique(for: "inv 7", fallbackPrefix: "invoice") { taken.contains($0) })
        #expect(Slug.unique(for: "***", fallbackPrefix: "invoice") { _ in false }.hasPrefix("invoice-"))
        #expect(!Slug.isValid("../x") && !Slug.isValid("a/b") && !Slug.isValid(""))
    }
}

@Suite struct YAMLTextTests {
    @Test(arguments: [
        "plain", "2026/118", "007", "true", "no", "null", "", " padded ", "- dash", "key: value", "a #comment", "quote\"inside",
        "back\\slash", "line\nbreak", "St. Brigid's Hospice", "Ü-12", "#hash", "@at", "1.5e3", "tab\there",
    ])
    func scalarsReadBackAsTheSameString(text: String) throws {
        let yaml = "k: \(YAMLText.scalar(text))\n"
        let node = try Yams.compose(yaml: yaml)
        #expect(node?.mapping?["k"]?.string == text)
        let map = try YAMLMap(text: yaml, path: "t.yaml")
        #expect(map["k"]?.value.string == text)
    }
}

/// The quick road for printing amounts (minor units) writes what the exact one writes.
@Suite struct MoneyPrintingTests {
    @Test func plainTextIsTheSameByEitherRoad() throws {
        var rng = SplitMix(seed: 5)
        var samples: [String] = ["0", "0.5", "-0.5", "1234.5", "1234.50", "-1234.56", "999999999999.99", "1000000000000.00", "0.125", "-0.005",
            "12345678901234567890.12", "7", "0.01", "-0.01"]
        for _ in 0..<2000 {
            let whole = rng.next() % 10_000_000
            let cents = rng.next() % 1000
            samples.append((rng.next() % 3 == 0 ? "-" : "") + "\(whole).\(cents)")
        }
        for text in samples {
            let value = try #require(Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")))
            for scale in [0, 2, 3] {
                var input = value, rounded = Decimal()
                NSDecimalRound(&rounded, &input, scale, .plain)
                let expected = Decimals.parsePlain(Decimals.plain(rounded, scale: scale))
                #expect(expected == rounded, "\(text) at \(scale): \(Decimals.plain(value, scale: scale))")
                let printed = Decimals.plain(value, scale: scale)
                #expect(scale == 0 ? !printed.contains(".") : printed.split(separator: ".").last?.count == scale, "\(printed)")
                #expect(Decimals.parsePlain(printed) == rounded, "\(text) at \(scale) printed \(printed)")
            }
        }
        #expect(Money(Decimal(string: "1234.5")!, Currency(code: "EUR")!).description == "1234.50 EUR")
        #expect(Money(Decimal(string: "-0.5")!, Currency(code: "JPY")!).plain == "-1")
        #expect(Money(Decimal(string: "1234.56")!, Currency(code: "EUR")!).minorUnits == 123456)
        #expect(Money(Decimal(string: "0.125")!, Currency(code: "EUR")!).minorUnits == nil)
    }
}
