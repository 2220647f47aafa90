import ArgumentParser
import StockroomCore

@main
struct Stockroom: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stockroom",
        abstract: "Stockroom: digital asset management for creative teams.",
        version: StockroomVersion.current,
        subcommands: [
            InitCommand.self,
            BlobsCommand.self,
            LibraryCommand.self,
            FolderCommand.self,
            IngestCommand.self,
            WatchCommand.self,
            WorkerCommand.self,
            MigrateCommand.self,
            AssetCommand.self,
            RenderCommand.self,
            FailuresCommand.self,
            PipelineCommand.self,
            SearchCommand.self,
            TagCommand.self,
            LicenseCommand.self,
            DebugCommand.self,
            CollectionCommand.self,
            ShareCommand.self,
            CommentCommand.self,
            ReviewCommand.self,
            ActivityCommand.self,
            APIKeyCommand.self,
            ServeCommand.self,
            MediaWorkerCommand.self,
        ]
    )
}
