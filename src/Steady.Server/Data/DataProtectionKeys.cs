using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.EntityFrameworkCore;
using Steady.Core;
using Steady.Core.Audit;

namespace Steady.Server.Data;

public sealed class DataProtectionKey
{
    public Guid Id { get; set; }

    public required string FriendlyName { get; set; }

    /// <summary>The key's XML, its secret included: stored encrypted.</summary>
    [Secret]
    public required string Xml { get; set; }
}

/// <summary>
/// Keeps the keys that sign session cookies and antiforgery tokens in the database, so every node
/// (and a restarted one) accepts the same cookies; encrypted there like every secret (<see cref="SecretKeyring"/>).
/// </summary>
public sealed class DatabaseXmlRepository(IServiceProvider services, TimeProvider time) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<SteadyDb>();
        return db.DataProtectionKeys.AsNoTracking().ToList().Select(k => XElement.Parse(k.Xml)).ToList(); // whole rows: the XML is opened as a row is read
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<SteadyDb>();
        db.DataProtectionKeys.Add(new DataProtectionKey { Id = Ids.New(time), FriendlyName = friendlyName, Xml = element.ToString(SaveOptions.DisableFormatting) });
        db.SaveChanges();
    }
}
