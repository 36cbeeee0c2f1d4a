using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.EntityFrameworkCore;
using Steady.Core;

namespace Steady.Server.Data;

public sealed class DataProtectionKey
{
    public Guid Id { get; set; }

    public required string FriendlyName { get; set; }

    public required string Xml { get; set; }
}

/// <summary>
/// Keeps the keys that sign session cookies and antiforgery tokens in the database, so every node
/// (and a restarted one) accepts the same cookies.
/// </summary>
public sealed class DatabaseXmlRepository(IServiceProvider services, TimeProvider time) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<SteadyDb>();
        return db.DataProtectionKeys.AsNoTracking().Select(k => k.Xml).ToList().Select(XElement.Parse).ToList();
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<SteadyDb>();
        db.DataProtectionKeys.Add(new DataProtectionKey { Id = Ids.New(time), FriendlyName = friendlyName, Xml = element.ToString(SaveOptions.DisableFormatting) });
        db.SaveChanges();
    }
}
