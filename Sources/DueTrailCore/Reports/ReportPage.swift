import Foundation
import Mustache

/// Every report in one self-contained HTML file: the tables, and inline SVG charts (aging
/// bars, the trend line, promise outcomes). No script, no external file: it can be emailed.
package enum ReportPage {
    package static func html(
        company: String, today: CalendarDate, tables: [ReportTable], aging: AgingReport, trend: TrendReport, promises: PromiseReport
    ) -> String {
        let sections: [[String: Any]] = tables.map { table in
            var section: [String: Any] = [
                "id": table.name, "title": table.title,
                "facts": table.facts.map { ["title": $0.title, "value": $0.value] },
                "headers": table.columns.map { ["title": $0.title, "numeric": $0.numeric] },
                "rows": table.rows.map { row in ["cells": zip(table.columns, row).map { ["text": $1.display(grouped: true), "numeric": $0.numeric] }] },
                "notes": table.notes.map { ["text": $0] },
                "empty": table.rows.isEmpty,
            ]
            switch table.name {
            case "aging": section["chart"] = agingChart(aging)
            case "trend": section["chart"] = trendChart(trend)
            case "promises": section["chart"] = promiseChart(promises)
            default: break
            }
            return section
        }
        let values: [String: Any] = ["company": company, "today": ReminderComposer.friendly(today), "sections": sections]
        return template?.render(RenderNode(values)) ?? ""
    }

    // MARK: Charts (SVG, sized by viewBox so they scale to the page)

    static func agingChart(_ report: AgingReport) -> String {
        guard !report.totals.isEmpty else { return "" }
        var out = ""
        for row in report.totals {
            let highest = row.amounts.max() ?? 0
            let width = 560, height = 220, barWidth = 80, gap = 24, base = 180
            var svg = ##"<svg role="img" aria-label="Aging of open \##(row.currency.code) balances" viewBox="0 0 \##(width) \##(height)" xmlns="http://www.w3.org/2000/svg" class="chart">"##
            svg += ##"<title>Aging of open \##(row.currency.code) balances</title>"##
            for (i, amount) in row.amounts.enumerated() {
                let h = highest > 0 ? Int((NSDecimalNumber(decimal: amount / highest).doubleValue * 150).rounded()) : 0
                let x = 20 + i * (barWidth + gap)
                let fill = ["#4c7a5a", "#c9a227", "#d9822b", "#c0452d", "#8f1d1d"][i]
                svg += ##"<rect x="\##(x)" y="\##(base - h)" width="\##(barWidth)" height="\##(h)" fill="\##(fill)"/>"##
                svg += ##"<text x="\##(x + barWidth / 2)" y="\##(base - h - 6)" text-anchor="middle" font-size="12">\##(escape(Decimals.grouped(amount, scale: row.currency.minorDigits)))</text>"##
                svg += ##"<text x="\##(x + barWidth / 2)" y="\##(base + 18)" text-anchor="middle" font-size="13">\##(AgingReport.buckets[i])</text>"##
            }
            svg += ##"<line x1="10" y1="\##(base)" x2="\##(width - 10)" y2="\##(base)" stroke="#333"/><text x="10" y="\##(height - 4)" font-size="12">\##(row.currency.code), days past due</text></svg>"##
            out += svg
        }
        return out
    }

    static func trendChart(_ report: TrendReport) -> String {
        guard report.points.count > 1 else { return "" }
        var out = ""
        for currency in report.currencies {
            let receivables = report.points.map { NSDecimalNumber(decimal: $0.receivables[currency].amount).doubleValue }
            let overdue = report.points.map { NSDecimalNumber(decimal: $0.overdue[currency].amount).doubleValue }
            let top = max(receivables.max() ?? 0, overdue.max() ?? 0, 1)
            let width = 560.0, height = 240.0, left = 70.0, right = 10.0, topPad = 20.0, bottom = 200.0
            func x(_ i: Int) -> Double { left + (width - left - right) * Double(i) / Double(report.points.count - 1) }
            func y(_ v: Double) -> Double { bottom - (bottom - topPad) * v / top }
            func line(_ values: [Double]) -> String { values.enumerated().map { String(format: "%.1f,%.1f", x($0.offset), y($0.element)) }.joined(separator: " ") }
            var svg = ##"<svg role="img" aria-label="Receivables and overdue in \##(currency.code) over time" viewBox="0 0 \##(Int(width)) \##(Int(height))" xmlns="http://www.w3.org/2000/svg" class="chart">"##
            svg += ##"<title>Receivables and overdue in \##(currency.code) over time</title>"##
            svg += ##"<line x1="\##(left)" y1="\##(bottom)" x2="\##(width - right)" y2="\##(bottom)" stroke="#333"/><line x1="\##(left)" y1="\##(topPad)" x2="\##(left)" y2="\##(bottom)" stroke="#333"/>"##
            svg += ##"<polyline fill="none" stroke="#0a4fa8" stroke-width="2.5" points="\##(line(receivables))"/>"##
            svg += ##"<polyline fill="none" stroke="#c0452d" stroke-width="2.5" stroke-dasharray="6 3" points="\##(line(overdue))"/>"##
            let topLabel = escape(Decimals.grouped(Decimals.rounded(Decimal(top), scale: currency.minorDigits), scale: currency.minorDigits))
            svg += ##"<text x="\##(left - 6)" y="\##(topPad + 4)" text-anchor="end" font-size="11">\##(topLabel)</text><text x="\##(left - 6)" y="\##(bottom)" text-anchor="end" font-size="11">0</text>"##
            svg += ##"<text x="\##(left)" y="\##(bottom + 18)" font-size="12">\##(report.points[0].date.iso)</text><text x="\##(width - right)" y="\##(bottom + 18)" text-anchor="end" font-size="12">\##(report.points[report.points.count - 1].date.iso)</text>"##
            svg += ##"<text x="\##(left)" y="\##(height - 4)" font-size="12" fill="#0a4fa8">— receivables (\##(currency.code))</text><text x="\##(left + 200)" y="\##(height - 4)" font-size="12" fill="#c0452d">- - overdue</text></svg>"##
            out += svg
        }
        return out
    }

    static func promiseChart(_ report: PromiseReport) -> String {
        let total = report.total.made
        guard total > 0 else { return "" }
        let colours: [PromiseRecord.Outcome: String] = [.kept: "#4c7a5a", .partKept: "#c9a227", .broken: "#c0452d", .pending: "#8a8a8a"]
        var svg = ##"<svg role="img" aria-label="Promise outcomes" viewBox="0 0 560 90" xmlns="http://www.w3.org/2000/svg" class="chart"><title>Promise outcomes</title>"##
        var x = 10.0
        for outcome in PromiseRecord.Outcome.allCases {
            let n = report.total[outcome]
            guard n > 0 else { continue }
            let w = 540.0 * Double(n) / Double(total)
            svg += String(format: ##"<rect x="%.1f" y="10" width="%.1f" height="36" fill="%@"/>"##, x, w, colours[outcome] ?? "#888")
            svg += String(format: ##"<text x="%.1f" y="66" font-size="12">%@ %d</text>"##, x, outcome.rawValue, n)
            x += w
        }
        return svg + "</svg>"
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
    }

    private static let template = try? MustacheTemplate(string: """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Receivables report: {{company}}, {{today}}</title>
        <style>
        body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1b1b1b; max-width: 60rem; margin: 0 auto; padding: 1rem; }
        h1 { font-size: 1.6rem; margin-bottom: 0; } h2 { margin-top: 2.2rem; border-bottom: 1px solid #ccc; }
        table { border-collapse: collapse; width: 100%; margin: .5rem 0; font-variant-numeric: tabular-nums; }
        th, td { padding: .3rem .5rem; border-bottom: 1px solid #ddd; text-align: left; } .num { text-align: right; }
        .facts { color: #4a4a4a; } .notes { color: #4a4a4a; font-size: .9rem; } .chart { max-width: 100%; height: auto; display: block; margin: .5rem 0; }
        </style>
        </head>
        <body>
        <h1>Receivables report: {{company}}</h1>
        <p class="facts">Made on {{today}} by DueTrail from the ledger's committed history.</p>
        {{#sections}}
        <section id="{{id}}">
        <h2>{{title}}</h2>
        {{#facts.first}}<p class="facts">{{#facts}}{{title}}: {{value}}. {{/facts}}</p>{{/facts.first}}
        {{{chart}}}
        {{^empty}}<table><thead><tr>{{#headers}}<th scope="col"{{#numeric}} class="num"{{/numeric}}>{{title}}</th>{{/headers}}</tr></thead>
        <tbody>
        {{#rows}}<tr>{{#cells}}<td{{#numeric}} class="num"{{/numeric}}>{{text}}</td>{{/cells}}</tr>
        {{/rows}}</tbody></table>{{/empty}}
        {{#empty}}<p>Nothing to show.</p>{{/empty}}
        {{#notes}}<p class="notes">{{text}}</p>{{/notes}}
        </section>
        {{/sections}}
        </body>
        </html>

        """)
}
