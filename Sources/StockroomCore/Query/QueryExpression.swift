/// The parsed form of a query: terms combined with AND, OR and NOT.
public indirect enum QueryExpression: Equatable, Sendable {
    case term(QueryTerm)
    case and([QueryExpression])
    case or([QueryExpression])
    case not(QueryExpression)
}
