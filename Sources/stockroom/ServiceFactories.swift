import StockroomCore

extension GlobalOptions {
    func collectionService(_ home: DataHome) -> CollectionService {
        CollectionService(collections: home.catalog, assets: home.catalog)
    }

    func shareService(_ home: DataHome) -> ShareService {
        ShareService(shares: home.catalog, collections: home.catalog, assets: home.catalog, reviews: home.catalog)
    }

    func apiKeyService(_ home: DataHome) -> APIKeyService {
        APIKeyService(keys: home.catalog)
    }
}

extension GlobalOptions {
    func commentService(_ home: DataHome) -> CommentService {
        CommentService(comments: home.catalog, assets: home.catalog)
    }

    func activityService(_ home: DataHome) throws(DomainError) -> ActivityService {
        ActivityService(activity: home.catalog, collections: home.catalog, libraries: home.catalog, shares: shareService(home))
    }
}
