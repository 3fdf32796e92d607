#if canImport(Glibc)
import Glibc
#endif

/// Files sent with messages, copied into `.inbox/attachments/AB/SHA256` (content-addressed, so
/// the same file sent twice is stored once), and what each channel can carry.
public enum Attachments {
    static let directory = "attachments"
    /// Refuse files that no messaging channel would take; keeps a stray path from filling the repository.
    public static let maxSize = 100 * 1024 * 1024

    public static func relativePath(_ sha256: String) -> String {
        directory + "/" + String(sha256.prefix(2)) + "/" + sha256
    }

    public static func kind(ofFileNamed name: String) -> Attachment.Kind {
        let ext = name.split(separator: ".").last.map { $0.lowercased() } ?? ""
        switch ext {
        case "jpg", "jpeg", "png", "gif", "webp", "heic", "bmp": return .image
        case "mp4", "mov", "m4v", "webm", "3gp", "avi": return .video
        case "mp3", "m4a", "aac", "ogg", "oga", "opus", "wav", "amr": return .audio
        default: return .document
        }
    }

    /// What each channel carries, following the help-centre table (WhatsApp, Instagram,
    /// Telegram, web widget); SMS carries pictures as MMS; email, iMessage and Messenger carry anything.
    public static func channel(_ channel: Channel, carries kind: Attachment.Kind) -> Bool {
        switch channel {
        case .whatsapp, .telegram, .facebook, .email, .imessage: return true
        case .instagram: return kind != .document
        case .webchat: return kind == .image || kind == .document
        case .sms: return kind == .image
        }
    }

    /// Reads a file the user named and stages its copy; refuses what the channel cannot carry.
    static func add(path: String, displayName: String, channel: Channel, in tx: Transaction) throws(InboxError) -> Attachment {
        let kind = kind(ofFileNamed: displayName)
        guard Attachments.channel(channel, carries: kind) else {
            throw InboxError.refused("\(channel.rawValue) cannot carry \(kind.rawValue) attachments like \(displayName)")
        }
        return try store(path: path, displayName: displayName, in: tx)
    }

    static func tooLarge(_ name: String) -> InboxError {
        .usage("\(name) is larger than \(maxSize / 1024 / 1024) MiB, the most an attachment may be")
    }

    /// Copies a file into the repository by content (once, however often it is used).
    static func store(path: String, displayName: String, in tx: Transaction) throws(InboxError) -> Attachment {
        let kind = kind(ofFileNamed: displayName)
        // Measured before reading: a 20 GiB file is refused, not read into memory first.
        var info = stat()
        if stat(path, &info) == 0, info.st_size > maxSize { throw tooLarge(displayName) }
        guard let bytes = try FileSystem.readOutside(path, maxBytes: maxSize) else { throw InboxError.notFound("no file '\(path)' to attach") }
        guard bytes.count <= maxSize else { throw tooLarge(displayName) }
        let sha = SHA256.hex(bytes)
        let relative = relativePath(sha)
        if try tx.bytes(relative) == nil { tx.stage(relative, bytes) }
        return Attachment(name: displayName, sha256: sha, size: Int64(bytes.count), kind: kind)
    }
}
