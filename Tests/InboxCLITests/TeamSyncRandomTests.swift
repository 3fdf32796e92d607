import Foundation
import XCTest

/// N clones × M random commands × random sync order converge: byte-identical shared files,
/// fsck clean, no record lost, each message delivered once. Seeded, so a failure repeats with
/// its seed. A short form by default; INBOX_SOAK=1 runs longer and more seeds.
///
/// Every clone adds records (contacts, closing notes, scheduled messages) and edits anything:
/// shared clones mint ids that cannot collide. Only clone a, the delivery host, flushes.
final class TeamSyncRandomTests: XCTestCase {
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E3779B97F4A7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
            z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
        mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
    }

    let soak = ProcessInfo.processInfo.environment["INBOX_SOAK"] == "1"

    func testRandomCommandsAndSyncOrdersConverge() throws {
        _ = try requiredTool("git")
        let seeds: [UInt64] = soak ? [1, 2, 3, 4, 5] : [14]
        for seed in seeds { try run(seed: seed, clones: soak ? 4 : 3, commands: soak ? 200 : 36) }
    }

    func run(seed: UInt64, clones count: Int, commands: Int) throws {
        var random = Generator(state: seed)
        let team = Team()
        let clones = ["a", "b", "c", "d", "e"].prefix(count).map { $0 }
        var minute = 0
        func now() -> String {
            minute += 1
            return String(format: "2026-11-30T%02d:%02d:00Z", 8 + minute / 60, minute % 60)
        }
        team.create("a", now: now())
        for args in [["user", "add", "alice", "--role", "admin"], ["user", "add", "bob"], ["config", "set", "sms.from", "+12125550199"],
                     ["config", "set", "delivery.host", "host-a"]] {
            team.inbox("a", args, now: now())
        }
        var contacts: [String] = [], conversations: [String] = [], messages: [String] = []
        for n in 1...4 {
            contacts.append(team.add("ct\(n)", "a", ["contact", "add", "Person \(n)", "--phone", "+1212555\(String(format: "%04d", 100 + n))"], now: now()))
            conversations.append(team.add("cv\(n)", "a", ["conversation", "create", "--contact", "ct\(n)", "--channel", "sms"], now: now()))
        }
        try FileManager.default.createDirectory(atPath: team.path("a") + "/.inbox/hooks", withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: team.path("a") + "/.inbox/hooks/deliver",
                                       contents: Data("#!/bin/sh\ncat >/dev/null\necho \"$INBOX_MESSAGE_ID\" >> \"$DELIVERY_LOG\"\n".utf8),
                                       attributes: [.posixPermissions: 0o755])
        team.inbox("a", ["hook", "trust"], now: now())
        team.sync("a", now: now())
        for clone in clones.dropFirst() { team.join(clone, now: now()) }

        let tags = ["vip", "lead", "late", "tax", "audit"]
        for step in 0..<commands {
            let clone = random.pick(clones)
            let user = random.pick(["alice", "bob"])
            var args: [String]
            var adds: String?
            switch random.below(12) {
            case 0, 1: args = ["contact", "tag", random.pick(contacts), random.pick(["--add", "--remove"]), random.pick(tags)]
            case 2: args = ["contact", "edit", random.pick(contacts), "--company", "Firm \(random.below(5))"]
            case 3: args = ["contact", "edit", random.pick(contacts), "--field", "stage=\(random.below(4))"]
            case 4: args = ["conversation", "assign", random.pick(conversations), random.pick(["alice", "bob", "--none"])]
            case 5: args = ["conversation", "reopen", random.pick(conversations)]
            case 6: args = messages.isEmpty ? ["contact", "show", contacts[0]] : ["message", "cancel", random.pick(messages)]
            case 7: args = messages.isEmpty ? ["contact", "show", contacts[0]] : ["message", "edit", random.pick(messages), "Edited \(step)"]
            case 8: args = messages.isEmpty ? ["contact", "show", contacts[0]] : ["message", "pin", random.pick(messages)]
            // Any clone adds records offline; only a flushes (it is the delivery host).
            case 9:
                adds = "message"
                args = ["message", "schedule", random.pick(conversations), "Reminder \(step)", "--at", "2026-11-30T08:00:00Z"]
            case 10: args = ["conversation", "close", random.pick(conversations)]
            default:
                if random.below(2) == 0 || clone != "a" {
                    adds = "contact"
                    args = ["contact", "add", "Person \(contacts.count + 1)"]
                } else {
                    args = ["message", "flush"]
                }
            }
            let time = now()
            if args.first == "message", args[1] == "schedule" { args += ["--now", "2026-11-30T07:00:00Z"] }
            if adds != nil { args = ["-q"] + args }
            let result = Inbox.run(args, in: team.path(clone), environment: team.environment(clone, now: time, user: user))
            // Refusals (cancelling a sent message, closing a closed conversation) are part of the
            // game, and so is an id this clone has not pulled yet (66).
            XCTAssertTrue([0, 1, 66].contains(result.status), "seed \(seed) step \(step) [\(clone)] \(args.joined(separator: " ")): \(result.stderr)")
            if result.status == 0, let adds {
                let id = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
                if adds == "contact" { contacts.append(id) } else { messages.append(id) }
            }
            if random.below(3) == 0 { team.sync(random.pick(clones), now: now()) }
        }
        team.inbox("a", ["message", "flush"], now: now())
        for clone in clones + clones { team.sync(clone, now: now()) }
        let at = now()
        assertConverged(team, clones, now: at)
        for clone in clones {
            let listed = team.inbox(clone, ["contact", "list", "-q"], now: at).lines
            XCTAssertEqual(Set(listed), Set(contacts), "seed \(seed): \(clone) lost a contact: \(listed)")
            XCTAssertEqual(listed.count, contacts.count, "seed \(seed): \(clone) lists a contact twice: \(listed)")
            let all = team.inbox(clone, ["message", "list", "-q"], now: at).lines
            XCTAssertEqual(Set(all), Set(messages), "seed \(seed): \(clone) lost a message: \(all)")
        }
        let delivered = team.deliveries()
        XCTAssertEqual(delivered.count, Set(delivered).count, "seed \(seed): delivered twice: \(delivered)")
    }
}
