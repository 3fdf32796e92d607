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
        // Linked position-dependent: a PIE of this size makes the loader apply ~30,000
        // relocations and copy the pages they touch on every start, about 0.5 ms of a 5 ms
        // write command. Libraries, stack and heap are still placed at random. The Swift
        // runtime is linked in, in every build: loading libswiftCore.so into a position-
        // dependent executable makes ld.so print warnings on stderr.
        .executableTarget(name: "inbox", dependencies: ["InboxCLI"],
                          linkerSettings: [.unsafeFlags(["-static-stdlib", "-Xlinker", "-no-pie"])]),
        // Tests drive processes from Dispatch queues; Swift 5 mode keeps that code plain.
        .testTarget(name: "InboxCoreTests", dependencies: ["InboxCore"], swiftSettings: [.swiftLanguageMode(.v5)]),
        .testTarget(name: "InboxCLITests", dependencies: ["InboxCLI", "InboxCore"], swiftSettings: [.swiftLanguageMode(.v5)]),
    ]
)
