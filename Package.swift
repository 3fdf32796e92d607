// swift-tools-version:6.0
import PackageDescription

// No package dependencies: the product builds on the Swift toolchain and Glibc alone.
let package = Package(
    name: "inbox",
    products: [
        .executable(name: "inbox", targets: ["inbox"]),
    ],
    targets: [
        .target(name: "InboxCore"),
        .target(name: "InboxCLI", dependencies: ["InboxCore"]),
        .executableTarget(name: "inbox", dependencies: ["InboxCLI"]),
        // Tests drive processes from Dispatch queues; Swift 5 mode keeps that code plain.
        .testTarget(name: "InboxCoreTests", dependencies: ["InboxCore"], swiftSettings: [.swiftLanguageMode(.v5)]),
        .testTarget(name: "InboxCLITests", dependencies: ["InboxCLI", "InboxCore"], swiftSettings: [.swiftLanguageMode(.v5)]),
    ]
)
