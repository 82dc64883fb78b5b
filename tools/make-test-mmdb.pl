#!/usr/bin/perl
# Writes a small MaxMind DB (.mmdb) for tests, with Debian's libmaxmind-db-writer-perl:
#   make-test-mmdb.pl OUT.mmdb country|asn < networks
# Each input line is "CIDR<TAB>JSON" (the record of that network), e.g.
#   52.84.0.0/15	{"country":{"iso_code":"US","names":{"en":"United States"}}}
#   52.84.0.0/15	{"autonomous_system_number":16509,"autonomous_system_organization":"AMAZON-02"}
# The records use the GeoLite2-Country / GeoLite2-ASN field names; the database type says which.
use strict;
use warnings;
use JSON::PP qw(decode_json);
use MaxMind::DB::Writer::Tree;

my ($out, $kind) = @ARGV;
die "usage: $0 OUT.mmdb country|asn < networks\n" unless $out && $kind && $kind =~ /^(country|asn)$/;

my %types = (
  country                        => 'map',
  registered_country             => 'map',
  continent                      => 'map',
  names                          => 'map',
  en                             => 'utf8_string',
  iso_code                       => 'utf8_string',
  code                           => 'utf8_string',
  geoname_id                     => 'uint32',
  autonomous_system_number       => 'uint32',
  autonomous_system_organization => 'utf8_string',
);

my $tree = MaxMind::DB::Writer::Tree->new(
  ip_version               => 6,
  record_size              => 24,
  database_type            => $kind eq 'asn' ? 'GeoLite2-ASN' : 'GeoLite2-Country',
  languages                => ['en'],
  description              => { en => 'flowprobe test database (made-up records)' },
  map_key_type_callback    => sub { $types{ $_[0] } or die "no type for key $_[0]\n" },
  alias_ipv6_to_ipv4       => 1,
  remove_reserved_networks => 0,
);

while (my $line = <STDIN>) {
  chomp $line;
  next if $line =~ /^\s*(#|$)/;
  my ($network, $json) = split /\t/, $line, 2;
  die "bad line (want CIDR<TAB>JSON): $line\n" unless defined $json;
  $tree->insert_network($network, decode_json($json));
}

open my $fh, '>:raw', $out or die "cannot write $out: $!\n";
$tree->write_tree($fh);
close $fh or die "cannot write $out: $!\n";
