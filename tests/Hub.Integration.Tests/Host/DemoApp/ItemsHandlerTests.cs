using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Hub.Integration.Tests.Host.DemoApp;

/// <summary>/items and /items/{id} (ItemsHandler, ItemHandler and the ItemStoreActor behind them).</summary>
public sealed class ItemsHandlerTests : IAsyncLifetime
{
    private DemoHost _host = null!;

    public async Task InitializeAsync() => _host = await DemoHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private HttpClient Client => _host.Client;

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private async Task<JsonNode?> GetJsonAsync(string path)
    {
        var response = await Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync());
    }

    private async Task<HttpResponseMessage> PostAsync(string json) => await Client.PostAsync("/items", Json(json));

    private static async Task AssertJsonErrorAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        Assert.False(string.IsNullOrWhiteSpace(body["error"]!.GetValue<string>()));
    }

    [Fact]
    public async Task An_empty_store_lists_an_empty_array()
    {
        Assert.Equal("[]", (await GetJsonAsync("/items"))!.ToJsonString());
    }

    [Fact]
    public async Task Post_answers_201_with_Location_and_the_object_with_its_id()
    {
        var response = await PostAsync("""{"name":"widget","tags":["a","b"],"size":{"w":2}}""");
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("/items/1", response.Headers.Location?.OriginalString);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var item = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        Assert.Equal(1, item["id"]!.GetValue<long>());
        Assert.Equal("widget", item["name"]!.GetValue<string>());
        Assert.Equal("""["a","b"]""", item["tags"]!.ToJsonString());
        Assert.Equal(2, item["size"]!["w"]!.GetValue<int>());
    }

    [Fact]
    public async Task Ids_are_assigned_incrementally_and_never_reused()
    {
        Assert.Equal("/items/1", (await PostAsync("""{"n":1}""")).Headers.Location?.OriginalString);
        Assert.Equal("/items/2", (await PostAsync("""{"n":2}""")).Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.NoContent, (await Client.DeleteAsync("/items/2")).StatusCode);
        Assert.Equal("/items/3", (await PostAsync("""{"n":3}""")).Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task The_store_assigns_the_id_whatever_the_client_sends()
    {
        var response = await PostAsync("""{"id":77,"name":"x"}""");
        var item = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(1, item["id"]!.GetValue<long>());
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync("/items/77")).StatusCode);
    }

    [Fact]
    public async Task Get_lists_every_item_in_id_order_and_fetches_one_by_id()
    {
        await PostAsync("""{"name":"a"}""");
        await PostAsync("""{"name":"b"}""");
        var list = (await GetJsonAsync("/items"))!.AsArray();
        Assert.Equal(["a", "b"], list.Select(i => i!["name"]!.GetValue<string>()));
        Assert.Equal([1L, 2L], list.Select(i => i!["id"]!.GetValue<long>()));
        var one = (await GetJsonAsync("/items/2"))!;
        Assert.Equal("b", one["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Put_replaces_the_object_and_keeps_its_id()
    {
        await PostAsync("""{"name":"old","extra":true}""");
        var response = await Client.PutAsync("/items/1", Json("""{"id":9,"name":"new"}"""));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var replaced = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        Assert.Equal(1, replaced["id"]!.GetValue<long>());
        Assert.Equal("new", replaced["name"]!.GetValue<string>());
        Assert.False(replaced.ContainsKey("extra"));
        Assert.Equal(replaced.ToJsonString(), (await GetJsonAsync("/items/1"))!.ToJsonString());
    }

    [Fact]
    public async Task Delete_answers_204_then_the_item_is_gone()
    {
        await PostAsync("""{"name":"doomed"}""");
        var response = await Client.DeleteAsync("/items/1");
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        await AssertJsonErrorAsync(await Client.GetAsync("/items/1"), HttpStatusCode.NotFound);
        await AssertJsonErrorAsync(await Client.DeleteAsync("/items/1"), HttpStatusCode.NotFound);
        Assert.Equal("[]", (await GetJsonAsync("/items"))!.ToJsonString());
    }

    [Theory]
    [InlineData("/items/99")]
    [InlineData("/items/abc")]
    [InlineData("/items/-1")]
    [InlineData("/items/99999999999999999999999")]
    public async Task Unknown_ids_are_404_with_a_json_error(string path)
    {
        await AssertJsonErrorAsync(await Client.GetAsync(path), HttpStatusCode.NotFound);
        await AssertJsonErrorAsync(await Client.PutAsync(path, Json("""{"a":1}""")), HttpStatusCode.NotFound);
        await AssertJsonErrorAsync(await Client.DeleteAsync(path), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Put_to_an_unknown_id_creates_nothing()
    {
        await AssertJsonErrorAsync(await Client.PutAsync("/items/5", Json("""{"a":1}""")), HttpStatusCode.NotFound);
        Assert.Equal("[]", (await GetJsonAsync("/items"))!.ToJsonString());
    }

    public static TheoryData<string> BadBodies => new()
    {
        "",
        "not json",
        "{\"a\":",
        "{\"a\":1}}",
        "{'a':1}",
        "[1,2]",
        "\"text\"",
        "42",
        "null",
        "true",
        "{\"a\":1,\"a\":2}",
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Post_with_a_body_that_is_not_a_json_object_is_400_and_stores_nothing(string body)
    {
        await AssertJsonErrorAsync(await PostAsync(body), HttpStatusCode.BadRequest);
        Assert.Equal("[]", (await GetJsonAsync("/items"))!.ToJsonString());
    }

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task A_rejected_put_changes_nothing(string body)
    {
        await PostAsync("""{"name":"kept"}""");
        var before = (await GetJsonAsync("/items/1"))!.ToJsonString();
        await AssertJsonErrorAsync(await Client.PutAsync("/items/1", Json(body)), HttpStatusCode.BadRequest);
        Assert.Equal(before, (await GetJsonAsync("/items/1"))!.ToJsonString());
    }

    [Fact]
    public async Task Invalid_utf8_in_the_body_is_400()
    {
        var content = new ByteArrayContent([(byte)'{', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)':', (byte)'1', (byte)'}']);
        await AssertJsonErrorAsync(await Client.PostAsync("/items", content), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Concurrent_posts_get_distinct_ids()
    {
        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => PostAsync($$"""{"n":{{i}}}""")));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var ids = responses.Select(r => r.Headers.Location!.OriginalString).ToHashSet();
        Assert.Equal(Enumerable.Range(1, 50).Select(i => $"/items/{i}").ToHashSet(), ids);
        Assert.Equal(50, (await GetJsonAsync("/items"))!.AsArray().Count);
    }

    [Fact]
    public async Task Unsupported_methods_are_405_with_Allow_and_a_json_error()
    {
        var patch = await Client.PatchAsync("/items/1", Json("{}"));
        await AssertJsonErrorAsync(patch, HttpStatusCode.MethodNotAllowed);
        Assert.Contains("PUT", patch.Content.Headers.Allow);
        var delete = await Client.DeleteAsync("/items");
        await AssertJsonErrorAsync(delete, HttpStatusCode.MethodNotAllowed);
        Assert.Contains("POST", delete.Content.Headers.Allow);
    }
}
