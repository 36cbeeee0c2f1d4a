using Microsoft.EntityFrameworkCore;
using NodaTime;
using Steady.Core.Paging;
using Steady.Core.Reports;
using Steady.Server.Features.Reports;

namespace Steady.Server.Tests.Reports;

/// <summary>The pages the reports count: deliveries sent together to one person are one message, at the first one's time, with every group they paged for.</summary>
[Collection(nameof(ReportWorld))]
public sealed class SentPagesTests(ReportWorld world)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task DeliveriesSentTogetherAreOneMessageAtTheFirstOnesTimeWithBothGroups()
    {
        var ben = world.People["Ben"].Id;
        var period = new Span(Instant.FromDateTimeOffset(DateTimeOffset.Parse(ReportWorld.From)), Instant.FromDateTimeOffset(DateTimeOffset.Parse(ReportWorld.To)));
        await world.Host.WithDbAsync(async (db, _) =>
        {
            var before = (await SentPages.LoadAsync(db, period, Cancel)).Where(p => p.UserId == ben).ToList();
            var sent = await db.Deliveries.Where(d => d.UserId == ben && d.State == DeliveryState.Sent).ToListAsync(Cancel);
            sent = sent.Where(d => d.SentAt >= period.Start.ToDateTimeOffset() && d.SentAt < period.End.ToDateTimeOffset()).OrderBy(d => d.SentAt).ToList();
            Assert.Equal(before.Count, sent.Count); // each sent alone so far
            var (first, second) = (sent[^2], sent[^1]);
            Assert.NotEqual(first.GroupId, second.GroupId);

            // Sent together (as the delivery worker does for a person's deliveries due at once): the later one takes the
            // first one's id as its message; undone after.
            await using var transaction = await db.Database.BeginTransactionAsync(Cancel);
            first.SentAs = first.Id;
            second.SentAs = first.Id;
            await db.SaveChangesAsync(Cancel);
            var after = (await SentPages.LoadAsync(db, period, Cancel)).Where(p => p.UserId == ben).ToList();
            await transaction.RollbackAsync(Cancel);

            Assert.Equal(before.Count - 1, after.Count);
            var message = Assert.Single(after, p => p.MessageId == first.Id);
            Assert.Equal(Instant.FromDateTimeOffset(first.SentAt!.Value), message.At);
            Assert.Equal(new[] { first.GroupId!.Value, second.GroupId!.Value }.Order(), message.Groups.Order());
            Assert.Equal(new[] { first.RunId, second.RunId }.Order(), message.Positions.Select(p => p.RunId).Order());
            Assert.Equal(first.ServiceId, message.ServiceId);
            Assert.DoesNotContain(after, p => p.MessageId == second.Id);
            return 0;
        });
    }
}
