using System.Text.Json;
using Conduit.Aws.Lambda;
using Conduit.Aws.Serialization;

namespace Conduit.Tests.Aws.Lambda;

/// <summary>
/// Every inbound event at both ends of what AWS may send: minimal (only what AWS guarantees) and maximal (every
/// documented field, plus one AWS might add tomorrow). Shapes follow the API Gateway and Lambda developer guides'
/// examples and real captures (aws-lambda-go's testdata).
/// </summary>
public sealed class EventContractTests
{
    [Theory]
    [InlineData("$connect", "CONNECT")]
    [InlineData("$disconnect", "DISCONNECT")]
    [InlineData("$default", "MESSAGE")]
    [InlineData("sendMessage", "MESSAGE")]
    public void WebSocketEvent_Minimal_Parses(string routeKey, string eventType)
    {
        var json =
            $$$"""{"requestContext":{"routeKey":"{{{routeKey}}}","eventType":"{{{eventType}}}","connectionId":"L0SM9cOFvHcCIhw="}}""";

        var parsed = Parse(json, AwsJsonContext.Wire.WebSocketRequestEvent);

        Assert.Equal(routeKey, parsed.RequestContext.RouteKey);
        Assert.Equal("L0SM9cOFvHcCIhw=", parsed.RequestContext.ConnectionId);
        Assert.Null(parsed.Body);
        Assert.Null(parsed.Headers);
        Assert.Null(parsed.RequestContext.Identity);
    }

    [Theory]
    [InlineData("""{"sourceIp":"203.0.113.7"}""", "203.0.113.7", null)]
    [InlineData("""{"userAgent":"wscat"}""", null, "wscat")]
    [InlineData("""{}""", null, null)]
    [InlineData("""{"sourceIp":null,"userAgent":null,"accountId":null,"cognitoIdentityId":null}""", null, null)]
    public void WebSocketConnect_IdentityWithFewerFields_Parses(string identity, string? sourceIp, string? userAgent)
    {
        var json = $$$"""
            {"requestContext":{"routeKey":"$connect","eventType":"CONNECT","connectionId":"c1","connectedAt":1795302645123,
             "identity":{{{identity}}}},"isBase64Encoded":false}
            """;

        var parsed = Parse(json, AwsJsonContext.Wire.WebSocketRequestEvent);

        Assert.Equal(sourceIp, parsed.RequestContext.Identity!.SourceIp);
        Assert.Equal(userAgent, parsed.RequestContext.Identity.UserAgent);
    }

    [Fact]
    public void WebSocketConnect_Maximal_ParsesAndIgnoresUnknownFields()
    {
        const string json = """
            {
              "headers": {"Host": "abcdef1234.execute-api.us-east-1.amazonaws.com", "Sec-WebSocket-Protocol": "conduit.v1, tok"},
              "multiValueHeaders": {"Host": ["abcdef1234.execute-api.us-east-1.amazonaws.com"]},
              "queryStringParameters": {"token": "tok"},
              "multiValueQueryStringParameters": {"token": ["tok"]},
              "stageVariables": {"tier": "gold"},
              "requestContext": {
                "routeKey": "$connect", "eventType": "CONNECT", "extendedRequestId": "XyZ=", "requestTime": "21/Nov/2026:21:10:45 +0000",
                "messageDirection": "IN", "stage": "prod", "connectedAt": 1795302645123, "requestTimeEpoch": 1795302645125,
                "identity": {"userAgent": "Mozilla/5.0", "sourceIp": "203.0.113.7", "cognitoIdentityPoolId": null, "accountId": null},
                "requestId": "XyZ=", "domainName": "abcdef1234.execute-api.us-east-1.amazonaws.com", "connectionId": "L0SM9cOFvHcCIhw=",
                "apiId": "abcdef1234", "authorizer": {"principalId": "user-1", "integrationLatency": 12}, "error": null, "status": null,
                "messageId": null, "disconnectStatusCode": null, "disconnectReason": null, "someFieldAwsAddsLater": {"x": [1, 2]}
              },
              "isBase64Encoded": false,
              "body": null
            }
            """;

        var parsed = Parse(json, AwsJsonContext.Wire.WebSocketRequestEvent);

        Assert.Equal("tok", parsed.QueryStringParameters!["token"]);
        Assert.Equal(1795302645123, parsed.RequestContext.ConnectedAt);
        Assert.Equal("203.0.113.7", parsed.RequestContext.Identity!.SourceIp);
        Assert.Equal("gold", parsed.StageVariables!["tier"]);
    }

    [Fact]
    public void WebSocketDisconnect_Maximal_Parses()
    {
        const string json = """
            {"headers":{"Host":"abcdef1234.execute-api.us-east-1.amazonaws.com","x-api-key":"","X-Forwarded-For":"","x-restapi":""},
             "multiValueHeaders":{"Host":["abcdef1234.execute-api.us-east-1.amazonaws.com"]},
             "requestContext":{"routeKey":"$disconnect","disconnectStatusCode":1001,"eventType":"DISCONNECT","extendedRequestId":"Xy=",
              "requestTime":"21/Nov/2026:21:30:00 +0000","messageDirection":"IN","disconnectReason":"Going away","stage":"prod",
              "connectedAt":1795302645123,"requestTimeEpoch":1795303800000,"identity":{"userAgent":"Mozilla/5.0","sourceIp":"203.0.113.7"},
              "requestId":"Xy=","domainName":"abcdef1234.execute-api.us-east-1.amazonaws.com",
              "connectionId":"L0SM9cOFvHcCIhw=","apiId":"abcdef1234"},
             "isBase64Encoded":false}
            """;

        var parsed = Parse(json, AwsJsonContext.Wire.WebSocketRequestEvent);

        Assert.Equal(1001, parsed.RequestContext.DisconnectStatusCode);
        Assert.Equal("Going away", parsed.RequestContext.DisconnectReason);
    }

    [Fact]
    public void WebSocketMessage_Maximal_Parses()
    {
        const string json = """
            {"requestContext":{"routeKey":"sendMessage","messageId":"Ab1=","eventType":"MESSAGE","extendedRequestId":"Xy=",
              "requestTime":"21/Nov/2026:21:11:02 +0000","messageDirection":"IN","stage":"prod","connectedAt":1795302645123,
              "requestTimeEpoch":1795302662015,"identity":{"sourceIp":"203.0.113.7"},"requestId":"Xy=",
              "domainName":"abcdef1234.execute-api.us-east-1.amazonaws.com","connectionId":"L0SM9cOFvHcCIhw=","apiId":"abcdef1234"},
             "body":"{\"action\":\"sendMessage\",\"requestId\":\"r1\",\"text\":\"hi\"}","isBase64Encoded":false}
            """;

        var parsed = Parse(json, AwsJsonContext.Wire.WebSocketRequestEvent);

        Assert.Equal("Ab1=", parsed.RequestContext.MessageId);
        Assert.Contains("\"r1\"", parsed.Body, StringComparison.Ordinal);
    }

    [Fact]
    public void SqsEvent_MinimalRecord_Parses()
    {
        const string json = """{"Records":[{"messageId":"m1","receiptHandle":"rh","body":"{}"}]}""";

        var record = Assert.Single(Parse(json, AwsJsonContext.Wire.SqsEvent).Records);

        Assert.Equal("m1", record.MessageId);
        Assert.Empty(record.Attributes);
        Assert.Empty(record.MessageAttributes);
    }

    [Fact]
    public void SqsEvent_MaximalRecord_ParsesNullsAndFifoAttributes()
    {
        const string json = """
            {"Records":[{"messageId":"059f36b4-87a3-44ab-83d2-661975830a7d","receiptHandle":"AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a...",
              "body":"{}","attributes":{"ApproximateReceiveCount":"1","SentTimestamp":"1545082649183","SenderId":"AIDAIENQZJOLO23YVJ4VO",
              "ApproximateFirstReceiveTimestamp":"1545082649185","MessageGroupId":"s1","MessageDeduplicationId":"r1",
              "SequenceNumber":"18849"},
              "messageAttributes":{
                "trace":{"stringValue":"abc","binaryValue":null,"stringListValues":[],"binaryListValues":[],"dataType":"String"},
                "blob":{"stringValue":null,"binaryValue":"AAEC","stringListValues":null,"binaryListValues":null,"dataType":"Binary"}},
              "md5OfMessageAttributes":null,"md5OfBody":"e4e68fb7bd0e697a0ae8f1bb342846b3","eventSource":"aws:sqs",
              "eventSourceARN":"arn:aws:sqs:us-east-2:123456789012:my-queue.fifo","awsRegion":"us-east-2"}]}
            """;

        var record = Assert.Single(Parse(json, AwsJsonContext.Wire.SqsEvent).Records);

        Assert.Equal("s1", record.Attributes["MessageGroupId"]);
        Assert.Equal("AAEC", record.MessageAttributes["blob"].BinaryValue);
        Assert.Empty(record.MessageAttributes["blob"].StringListValues);
    }

    [Fact]
    public void SqsEvent_AttributesSentAsNull_ReadAsEmpty()
    {
        const string json =
            """{"Records":[{"messageId":"m1","receiptHandle":"rh","body":"{}","attributes":null,"messageAttributes":null}]}""";

        var record = Assert.Single(Parse(json, AwsJsonContext.Wire.SqsEvent).Records);

        Assert.Empty(record.Attributes);
        Assert.Empty(record.MessageAttributes);
    }

    private static T Parse<T>(string json, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) =>
        JsonSerializer.Deserialize(json, type) ?? throw new InvalidDataException("null");
}
