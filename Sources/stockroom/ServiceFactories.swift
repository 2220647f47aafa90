import StockroomCore

extension GlobalOptions {
    func collectionService(_ home: DataHome) -> CollectionService {
        CollectionService(collections: home.catalog, assets: home.catalog)
    }

    func shareService(_ home: DataHome) -> ShareService {
        ShareService(shares: home.catalog, collections: home.catalog, assets: home.catalog)
    }

    func apiKeyService(_ home: DataHome) -> APIKeyService {
        APIKeyService(keys: home.catalog)
    }
}
