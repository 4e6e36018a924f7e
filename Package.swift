// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "DueTrail",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "duetrail", targets: ["duetrail"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.81.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.29.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.3.0"),
        .package(url: "https://github.com/apple/swift-system", from: "1.4.0"),
    ],
    targets: [
        // libgit2 from the system (Debian: libgit2-dev). Only GitStore imports it.
        .systemLibrary(
            name: "CLibgit2",
            pkgConfig: "libgit2",
            providers: [.apt(["libgit2-dev"])]
        ),
        // Whole-or-nothing file writes (temporary file, then rename or link) on swift-system.
        .target(name: "AtomicFiles", dependencies: [.product(name: "SystemPackage", package: "swift-system")]),
        // Thin, typed Swift wrapper over libgit2. Knows nothing of invoices.
        .target(name: "GitStore", dependencies: ["CLibgit2", "AtomicFiles", .product(name: "Crypto", package: "swift-crypto")]),
        // The domain, a folder per noun: values, text readers, the case and its timeline,
        // customers, merge, import, cadence, outgoing and incoming mail, ledger settings and
        // check, portal pages and forms, reports. No git, no network, no file writes.
        .target(
            name: "DueTrailCore",
            dependencies: ["Yams", .product(name: "Mustache", package: "swift-mustache"), .product(name: "Crypto", package: "swift-crypto")]),
        // The ledger: the domain stored in a git repository through GitStore (Store/, Actions/,
        // Outbox/, History/, Sync/, Portal/).
        .target(
            name: "DueTrailLedger",
            dependencies: ["DueTrailCore", "GitStore", "AtomicFiles"],
            resources: [.copy("Resources/templates")]
        ),
        // Mail transports (SMTP on SwiftNIO and swift-nio-ssl, a sendmail command, Maildir)
        // behind the core's `MailTransport`. Knows nothing of ledgers or git: the SMTP
        // password's credential store is handed in.
        .target(
            name: "DueTrailMail",
            dependencies: [
                "DueTrailCore", "AtomicFiles",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        // The customer portal: a Hummingbird server over a ledger. Pages and form rules are in
        // the core; this adapter routes, limits and hardens requests.
        .target(
            name: "DueTrailPortal",
            dependencies: [
                "DueTrailLedger", "DueTrailCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The commands, one file each in Commands/, their printed forms in Output/. Tested
        // through the built `duetrail` binary, as a person runs them (Tests/DueTrailCLITests).
        .target(
            name: "DueTrailCLI",
            dependencies: [
                "DueTrailLedger", "DueTrailCore", "DueTrailMail", "DueTrailPortal",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "duetrail", dependencies: ["DueTrailCLI", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .target(name: "TestSupport", dependencies: ["GitStore"], path: "Tests/TestSupport"),
        // Tests: the core's rules and GitStore in-process; the portal's routes through
        // Hummingbird's test client and a real browser; every command through the binary.
        .testTarget(name: "GitStoreTests", dependencies: ["GitStore", "TestSupport", .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(name: "DueTrailCoreTests", dependencies: ["DueTrailCore", "TestSupport", "Yams", .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(
            name: "DueTrailPortalTests",
            dependencies: [
                "DueTrailPortal", "DueTrailLedger", "DueTrailCore", "TestSupport", "duetrail",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
        .testTarget(
            name: "DueTrailCLITests",
            dependencies: ["DueTrailLedger", "DueTrailCore", "DueTrailMail", "TestSupport", "duetrail"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
