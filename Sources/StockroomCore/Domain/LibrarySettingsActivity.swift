import Foundation

extension Library {
    /// The `library.updated` entry of a change of rules from `before` to the library's settings
    /// now, written alike by both catalogs: what changed, in words and in the metadata.
    func settingsChangedActivity(from before: LibrarySettings, by actor: Actor, now: Date) -> Activity {
        var changes: [String: JSONValue] = [:]
        var words: [String] = []
        if before.requireApproval != settings.requireApproval {
            changes["requireApproval"] = .bool(settings.requireApproval)
            words.append(settings.requireApproval ? "requires approval" : "no longer requires approval")
        }
        if before.allowedFileTypes != settings.allowedFileTypes {
            changes["allowedFileTypes"] = .array(settings.allowedFileTypes.map(JSONValue.string))
            words.append("allowed types \(settings.allowedFileTypes.isEmpty ? "any" : settings.allowedFileTypes.joined(separator: ", "))")
        }
        if before.maxFileSize != settings.maxFileSize {
            changes["maxFileSize"] = settings.maxFileSize.map { .number(Double($0)) } ?? .null
            words.append("max file size \(settings.maxFileSize.map { "\($0) bytes" } ?? "none")")
        }
        if before.autoTagging != settings.autoTagging {
            changes["autoTagging"] = .bool(settings.autoTagging)
            words.append(settings.autoTagging ? "auto-tagging on" : "auto-tagging off")
        }
        return Activity(
            organizationId: organizationId, actor: actor, action: "library.updated", entityType: "library",
            entityId: String(id!), entityTitle: slug, description: "\(slug): \(words.joined(separator: "; "))",
            metadata: .object(["settings": .object(changes)]), now: now)
    }
}
