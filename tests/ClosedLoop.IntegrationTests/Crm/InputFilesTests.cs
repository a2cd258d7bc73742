using System.IO.Compression;
using System.Text;
using ClosedLoop.Core;
using ClosedLoop.Lake.Loading;

namespace ClosedLoop.IntegrationTests.Crm;

public sealed class InputFilesTests
{
    [Fact]
    public async Task Gzip_is_detected_by_magic_bytes_whatever_the_name()
    {
        using var lake = new TestLake();
        var path = Path.Combine(lake.Root, "export.csv");
        await using (var gz = new GZipStream(File.Create(path), CompressionLevel.Fastest))
            await gz.WriteAsync(Encoding.UTF8.GetBytes("a,b\n1,2\n"));

        using var reader = new StreamReader(InputFiles.OpenInput(path));
        Assert.Equal("a,b\n1,2\n", await reader.ReadToEndAsync());
    }

    [Fact]
    public void Plain_files_read_unchanged_and_peeking_keeps_every_byte()
    {
        using var lake = new TestLake();
        var path = lake.WriteFile("x.data", "  \n{\"a\":1}\n");

        using var stream = InputFiles.PeekFirstNonSpace(InputFiles.OpenInput(path), out var first);
        Assert.Equal((byte)'{', first);
        using var reader = new StreamReader(stream);
        Assert.Equal("  \n{\"a\":1}\n", reader.ReadToEnd());
    }

    [Fact]
    public void Missing_file_names_the_file()
    {
        var ex = Assert.Throws<UserInputException>(() => InputFiles.OpenInput("no/such/file.csv"));
        Assert.Equal("file 'no/such/file.csv' not found", ex.Message);
    }
}
