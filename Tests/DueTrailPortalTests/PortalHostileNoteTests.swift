import DueTrailCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import TestSupport

/// Issue 20: what a customer types into the portal never brings a control character into a
/// case file (a NUL made git take the file for binary).
@Suite struct PortalHostileNoteTests {
    @Test func aNoteAndAReasonWithControlCharactersAreRecordedWithoutThem() async throws {
        let f = try PortalFixture()
        let link = f.link("acme-gmbh")
        try await f.test { client in
            let token = try await PortalFixture.formToken(client, link: link)
            var body = PortalFixture.form([("token", token), ("invoice", "INV-1042"), ("date", "2026-12-15")])
            body.writeString("&note=after%1b[31m%20our%07%20board%00%20meets")
            try await client.execute(uri: "/p/\(link)/promise", method: .post, headers: PortalFixture.formHeaders, body: body) { response in
                #expect(response.status == .seeOther)
            }
            var dispute = PortalFixture.form([("token", token), ("invoice", "INV-1030")])
            dispute.writeString("&reason=never%00%20delivered%0d%0asecond%1b]0;x%07%20line")
            try await client.execute(uri: "/p/\(link)/dispute", method: .post, headers: PortalFixture.formHeaders, body: dispute) { response in
                #expect(response.status == .seeOther)
            }
        }
        let promised = try f.committedFile("cases/acme-gmbh/inv-1042.md")
        #expect(promised.contains("· via: portal · after[31m our board meets · by Acme GmbH ·"), "\(promised)")
        let disputed = try f.committedFile("cases/acme-gmbh/inv-1030.md")
        #expect(disputed.contains("· via: portal · \"never delivered\\nsecond]0;x line\" · by Acme GmbH ·"), "\(disputed)")
        for file in [promised, disputed] {
            #expect(!file.contains("\\u00") && !file.unicodeScalars.contains { RecordedText.isControl($0) }, "\(file)")
        }
        // git sees text, not a binary file.
        let numstat = try f.sandbox.git(["--git-dir", f.gitDirectory, "diff", "--numstat", "HEAD~2", "HEAD"]).stdout
        #expect(!numstat.contains("-\t-\t"), "\(numstat)")
    }
}
