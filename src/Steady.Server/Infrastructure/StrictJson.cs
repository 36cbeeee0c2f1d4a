using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Steady.Core;

namespace Steady.Server.Infrastructure;

/// <summary>
/// How request bodies are read: nothing is silently dropped or guessed. An unknown property (a typo such
/// as <c>runbookURL</c>) and a property given twice are refused, as is null in a list or map whose items
/// may not be null — System.Text.Json's <see cref="JsonSerializerOptions.RespectNullableAnnotations"/>
/// stops at the list itself — a date outside <see cref="SaneDates"/>, and a string longer than
/// <see cref="MaxText"/>: every text field has a limit, even one a request names but the endpoint does not
/// use (fields with a smaller limit of their own say so when they are validated). Each is a
/// <see cref="JsonException"/>, which the error handling turns into a 400 naming the field.
/// </summary>
public static class StrictJson
{
    /// <summary>The longest text any API field takes (a closing record's longest field takes 8,000).</summary>
    public const int MaxText = 10_000;

    public static void Apply(JsonSerializerOptions options)
    {
        options.AllowDuplicateProperties = false;
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        options.Converters.Add(new SaneDateConverter());
        options.Converters.Add(new BoundedStringConverter());
        options.TypeInfoResolver = (options.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver()).WithAddedModifier(NoNullItems);
    }

    /// <summary>A type info modifier: after an object is read, every list or map property whose items are not declared nullable is checked for null items.</summary>
    public static void NoNullItems(JsonTypeInfo info)
    {
        if (info.Kind != JsonTypeInfoKind.Object)
            return;
        var checkedProperties = info.Properties.Where(ItemsMayNotBeNull).ToList();
        if (checkedProperties.Count == 0)
            return;
        var before = info.OnDeserialized;
        info.OnDeserialized = value =>
        {
            before?.Invoke(value);
            foreach (var property in checkedProperties)
            {
                var items = property.Get?.Invoke(value) switch
                {
                    IDictionary map => map.Values,
                    IEnumerable list => list,
                    _ => null,
                };
                if (items is null)
                    continue;
                var index = 0;
                foreach (var item in items)
                {
                    if (item is null)
                        throw new JsonException($"'{property.Name}' must not hold null (item {index}).");
                    index++;
                }
            }
        };
    }

    private static bool ItemsMayNotBeNull(JsonPropertyInfo property)
    {
        var type = property.PropertyType;
        if (type == typeof(string) || !typeof(IEnumerable).IsAssignableFrom(type))
            return false;
        var item = ItemType(type);
        if (item is null || (item.IsValueType && Nullable.GetUnderlyingType(item) is null))
            return false;
        var declared = property.AttributeProvider switch
        {
            PropertyInfo p => new NullabilityInfoContext().Create(p),
            FieldInfo f => new NullabilityInfoContext().Create(f),
            _ => null,
        };
        var itemNullability = declared?.ElementType ?? declared?.GenericTypeArguments.LastOrDefault();
        return itemNullability is null || itemNullability.ReadState != NullabilityState.Nullable;
    }

    /// <summary>T of T[], List&lt;T&gt;, IReadOnlyList&lt;T&gt;…; TValue of a dictionary.</summary>
    private static Type? ItemType(Type type)
    {
        if (type.IsArray)
            return type.GetElementType();
        var generic = type.IsGenericType && type.GetGenericTypeDefinition() is var d && (d == typeof(IEnumerable<>) || d == typeof(IDictionary<,>) || d == typeof(IReadOnlyDictionary<,>))
            ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>))
              ?? type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>));
        return generic?.GetGenericArguments().Last();
    }

    /// <summary>Strings as System.Text.Json reads them, at most <see cref="MaxText"/> characters; map keys too.</summary>
    private sealed class BoundedStringConverter : JsonConverter<string>
    {
        public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.Null)
                return null;
            if (reader.TokenType != JsonTokenType.String)
                throw new JsonException("must be a string.");
            return Bounded(reader.GetString()!);
        }

        public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);

        public override string ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => Bounded(reader.GetString()!);

        public override void WriteAsPropertyName(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WritePropertyName(value);

        private static string Bounded(string text) =>
            text.Length <= MaxText ? text : throw new JsonException($"must be at most {MaxText} characters (it has {text.Length}).");
    }

    /// <summary>Reads ISO 8601 dates as System.Text.Json does, then refuses those outside <see cref="SaneDates"/>.</summary>
    private sealed class SaneDateConverter : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.String || !reader.TryGetDateTimeOffset(out var value))
                throw new JsonException("must be a date and time in ISO 8601, like 2026-05-01T09:00:00Z.");
            if (!SaneDates.Contains(value))
                throw new JsonException($"must be between {SaneDates.Description}.");
            return value;
        }

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) => writer.WriteStringValue(value);
    }
}
