namespace Conduit.Aws.DynamoDb;

/// <summary>A key attribute with its scalar type spelled as DynamoDB and CloudFormation spell it: "S" or "N".</summary>
public sealed record KeyAttribute(string Name, string Type);
